// Used by the staging HEALTHCHECK and the uptime monitor.
// vuln: Observability
export default function handler(req, res) {
  res.status(200).json({ status: 'ok', version: process.env.VERCEL_GIT_COMMIT_SHA ?? 'dev' });
}
