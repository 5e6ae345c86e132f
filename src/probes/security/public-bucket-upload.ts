import { defineProbe, type Hit } from '../types.js';

/** CLI uploads that make objects world-readable: an S3 canned ACL, a GCS grant to allUsers, an Azure public container. */
const PUBLIC =
  /\baws\s+s3(?:api)?\s+(?:cp|sync|mv|put-object|put-object-acl|put-bucket-acl)\b.*--acl\s+["']?public-read(?:-write)?\b|\bgsutil\b.*\b(?:acl\s+ch\b.*-u\s+AllUsers|iam\s+ch\s+allUsers|cp\b.*-a\s+public-read)|\bgcloud\s+storage\b.*--(?:predefined-acl|canned-acl)[=\s]["']?publicRead\b|\baz\s+storage\s+container\s+(?:create|set-permission)\b.*--public-access\s+(?:blob|container)\b/;
/** A static web build or assets folder: serving it publicly is the point. */
const STATIC_SOURCE = /\s(?:\.\/)?(?:dist|build|out|public|static|assets|site|www|_site|storybook-static)(?:\/\S*)?\s|\.(?:html|css|js|png|jpe?g|svg|gif|webp|ico|woff2?)\s/i;
const SENSITIVE = /backup|dump|\.sql|\.db\b|\.bak|export|\.env|secret|credential|\.pem|\.key\b|logs?\b/i;

export default defineProbe({
  meta: {
    id: 'public-bucket-upload',
    title: 'Upload made publicly readable',
    category: 'Security',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-732',
    confidence: 'medium',
    description: 'A script or job uploads files to cloud storage with a public ACL (`--acl public-read`, a grant to `allUsers`, a public container) that is not a static website build.',
    impact: 'Anyone who guesses or lists the object URL downloads it: database backups, exports and logs leak every record they hold.',
    remediation: 'Drop the public ACL, keep the bucket private with Block Public Access, and hand out short-lived signed URLs when someone needs a copy.',
    effort: 'hours',
  },
  detect(ctx) {
    return ctx
      .files(['yaml', 'shell', 'dockerfile', 'other', 'json'], [/public-read|allUsers|AllUsers|publicRead|--public-access/])
      .flatMap((file) =>
        file.lines.flatMap((line, index): Hit[] => {
          if (/^\s*(?:#|\/\/)/.test(line) || !PUBLIC.test(line) || STATIC_SOURCE.test(`${line} `)) return [];
          const sensitive = SENSITIVE.test(line);
          return [{ file, line: index + 1, severity: sensitive ? 'CRITICAL' : 'HIGH', message: sensitive ? 'A backup or data export is uploaded world-readable.' : 'Files are uploaded to cloud storage world-readable.' }];
        }),
      );
  },
});
