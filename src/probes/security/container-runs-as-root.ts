import { dockerStages } from '../support/dockerfile.js';
import { defineProbe } from '../types.js';

export default defineProbe({
  meta: {
    id: 'container-runs-as-root',
    title: 'Container runs as root',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-250',
    confidence: 'high',
    description: 'The final stage of a Dockerfile never switches to a non-root USER.',
    impact: 'A compromise of the application process is a compromise of root inside the container, one step from the host.',
    remediation: 'Add a `USER node` (or a dedicated uid) after installing dependencies in the final stage.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['dockerfile']).length > 0,
  detect(ctx) {
    return ctx.files(['dockerfile']).flatMap((file) => {
      const final = dockerStages(file).at(-1);
      if (!final) return [];
      const user = final.filter((i) => i.keyword === 'USER').at(-1);
      if (user && !/^(?:root|0)(?::|$)/.test(user.args.trim())) return [];
      const from = final[0]!;
      // Distroless "nonroot" images already drop root.
      if (from.keyword === 'FROM' && /nonroot/.test(from.args)) return [];
      const at = user ?? from;
      return [{ file, line: at.line, message: user ? 'The final stage switches to USER root.' : 'The final stage sets no USER, so the process runs as root.' }];
    });
  },
});
