import { defineProbe, type Hit } from '../types.js';

/** Deploy commands that name the image to roll out: kubectl, gcloud run, docker service, helm. */
const SET_IMAGE = /\bkubectl\s+(?:\S+\s+)*?set\s+image\s+(.*)$/;
const IMAGE_FLAG = /\b(?:gcloud\s+run\s+deploy|docker\s+service\s+(?:update|create)|az\s+containerapp\s+update)\b.*?--image[=\s]+["']?([^\s"']+)/;
/** `kubectl rollout restart deployment/api`: the pods pull their tag again, so what they get is whatever it points at now. */
const ROLLOUT_RESTART = /\bkubectl\s+(?:\S+\s+)*?rollout\s+restart\b/;
/** `docker push ghcr.io/acme/api:latest`, `docker build -t acme/api .`: the image refs a build publishes. */
const PUSHED_REF = /\bdocker\s+(?:image\s+)?push\s+(?:-\S+\s+)*["']?([^\s"'&;|]+)/g;
const BUILT_REF = /\bdocker\s+(?:buildx\s+)?build\b[^\n&;|]*?\s(?:-t|--tag)[=\s]+["']?([^\s"'&;|]+)/g;
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
    description: 'A deploy script or CI step rolls out an image by the `latest` tag or by no tag (kubectl set image, gcloud run deploy, docker service update, helm --set image.tag=latest), or pushes such a tag and deploys it with `kubectl rollout restart`.',
    impact: 'The deployed revision records only "latest", so there is no previous image to roll back to: `kubectl rollout undo` brings back the same tag, which now points at the broken build, and nobody can tell which build is running.',
    remediation: 'Tag every build with an immutable identifier (the commit SHA or a version, ideally pinned by digest) and deploy that tag, so each revision names the exact image and rolling back restores it.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['yaml', 'shell'], [/set\s+image|--image|image\.tag|rollout\s+restart/]).length > 0,
  detect(ctx) {
    return ctx.files(['yaml', 'shell'], [/set\s+image|--image|image\.tag|rollout\s+restart/]).flatMap((file) =>
      file.lines.flatMap((text, index): Hit[] => {
        if (/^\s*#/.test(text)) return [];
        if (ROLLOUT_RESTART.test(text) && deploysByRestart(file.text)) {
          return [{ file, line: index + 1, message: 'Deploys by restarting the pods on a moving tag it just pushed: the previous image is overwritten, so there is nothing to roll back to.' }];
        }
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

/**
 * The file publishes a moving tag (`docker push api:latest`) and names no image when it rolls out
 * (no `kubectl set image`): the restart is how the new build reaches the pods.
 */
function deploysByRestart(text: string): boolean {
  if (/\bset\s+image\b/.test(text)) return false;
  const refs = [...text.matchAll(PUSHED_REF), ...(/\bdocker\s+(?:image\s+)?push\b/.test(text) ? [...text.matchAll(BUILT_REF)] : [])].map((m) => m[1]!);
  return refs.some((ref) => !/\$/.test(ref) && floats(ref));
}

/** No tag, or the `latest` tag, and no digest. */
function floats(ref: string): boolean {
  if (ref.includes('@sha256:') || ref.startsWith('-')) return false;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  return colon < 0 || name.slice(colon + 1) === 'latest';
}
