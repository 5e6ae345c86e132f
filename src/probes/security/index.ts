import authRouteWithoutRateLimit from './auth-route-without-rate-limit.js';
import codeExecWithRequestData from './code-exec-with-request-data.js';
import committedEnvFile from './committed-env-file.js';
import containerRunsAsRoot from './container-runs-as-root.js';
import corsWildcardCredentials from './cors-wildcard-credentials.js';
import hardcodedSecret from './hardcoded-secret.js';
import insecureRandomToken from './insecure-random-token.js';
import jwtDecodeWithoutVerify from './jwt-decode-without-verify.js';
import sqlStringConcat from './sql-string-concat.js';
import webhookWithoutSignatureCheck from './webhook-without-signature-check.js';

/** Security probes, sorted by id. */
export default [
  authRouteWithoutRateLimit,
  codeExecWithRequestData,
  committedEnvFile,
  containerRunsAsRoot,
  corsWildcardCredentials,
  hardcodedSecret,
  insecureRandomToken,
  jwtDecodeWithoutVerify,
  sqlStringConcat,
  webhookWithoutSignatureCheck,
];
