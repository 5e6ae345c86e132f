import { defineProbe, type Hit } from '../types.js';

/** Deploy commands that name the image to roll out: kubectl, gcloud run, docker service, helm. */
const SET_IMAGE = /\bkubectl\s+(?:\S+\s+)*?set\s+image\s+(.*)$/;
const IMAGE_FLAG = /\b(?:gcloud\s+run\s+deploy|docker\s+service\s+(?:update|create)|az\s+containerapp\s+update)\b.*?--image[=\s]+["']?([^\s"']+)/;
const HELM_TAG = /\bhelm\s+(?:upgrade|install)\b.*--set(?:-string)?[=\s]+["']?[\w.]*image\.tag=(latest|["']?\s)/;

export default defineProbe({
  meta: {
    id: 'deploy-to-mutable-image-tag',
    title: 'Deploy rolls out a moving image tag',
    category: 'Recovery',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-1104',
    confidence: 'high',
    description: 'A deploy script or CI step rolls out an image by the `latest` tag or by no tag (kubectl set image, gcloud run deploy, docker service update, helm --set image.tag=latest).',
    impact: 'The deployed revision records only "latest", so there is no previous image to roll back to: `kubectl rollout undo` brings back the same tag, which now points at the broken build, and nobody can tell which build is running.',
    remediation: 'Tag every build with an immutable identifier (the commit SHA or a version, ideally pinned by digest) and deploy that tag, so each revision names the exact image and rolling back restores it.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['yaml', 'shell'], [/set\s+image|--image|image\.tag/]).length > 0,
  detect(ctx) {
    return ctx.files(['yaml', 'shell'], [/set\s+image|--image|image\.tag/]).flatMap((file) =>
      file.lines.flatMap((text, index): Hit[] => {
        if (/^\s*#/.test(text)) return [];
        const images = [...(SET_IMAGE.exec(text)?.[1]?.matchAll(/(?:^|\s)(?!-)[\w.-]+=["']?([^\s"']+)/g) ?? [])].map((m) => m[1]!);
        const flagged = IMAGE_FLAG.exec(text)?.[1];
        if (flagged) images.push(flagged);
        const moving = images.filter((ref) => !/\$/.test(ref) && floats(ref));
        if (HELM_TAG.test(text)) moving.push('image.tag=latest');
        return moving.length > 0 ? [{ file, line: index + 1, message: `Deploys ${moving.join(', ')}: a moving tag leaves no earlier image to roll back to.` }] : [];
      }),
    );
  },
});

/** No tag, or the `latest` tag, and no digest. */
function floats(ref: string): boolean {
  if (ref.includes('@sha256:') || ref.startsWith('-')) return false;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  return colon < 0 || name.slice(colon + 1) === 'latest';
}
