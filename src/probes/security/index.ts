import authRouteWithoutRateLimit from './auth-route-without-rate-limit.js';
import clientSuppliedPrice from './client-supplied-price.js';
import codeExecWithRequestData from './code-exec-with-request-data.js';
import committedEnvFile from './committed-env-file.js';
import containerRunsAsRoot from './container-runs-as-root.js';
import corsWildcardCredentials from './cors-wildcard-credentials.js';
import csrfMissing from './csrf-missing.js';
import dangerouslySetInnerHtml from './dangerously-set-inner-html.js';
import errorDetailsInResponse from './error-details-in-response.js';
import githubActionsScriptInjection from './github-actions-script-injection.js';
import hardcodedSecret from './hardcoded-secret.js';
import hardcodedSessionSecret from './hardcoded-session-secret.js';
import insecureCookie from './insecure-cookie.js';
import insecureRandomToken from './insecure-random-token.js';
import jwtDecodeWithoutVerify from './jwt-decode-without-verify.js';
import k8sPrivilegedContainer from './k8s-privileged-container.js';
import nosqlInjection from './nosql-injection.js';
import openRedirect from './open-redirect.js';
import pathTraversal from './path-traversal.js';
import publicBucketUpload from './public-bucket-upload.js';
import regexDos from './regex-dos.js';
import resetTokenNotSingleUse from './reset-token-not-single-use.js';
import resetTokenStoredInPlainText from './reset-token-stored-in-plain-text.js';
import secretEnvFallbackLiteral from './secret-env-fallback-literal.js';
import secretExposedToClientBundle from './secret-exposed-to-client-bundle.js';
import secretFileCopiedIntoImage from './secret-file-copied-into-image.js';
import sqlStringConcat from './sql-string-concat.js';
import ssrf from './ssrf.js';
import templateInjection from './template-injection.js';
import timingUnsafeSecretComparison from './timing-unsafe-secret-comparison.js';
import unpinnedThirdPartyAction from './unpinned-third-party-action.js';
import unsafeDeserialization from './unsafe-deserialization.js';
import urlBuiltFromHostHeader from './url-built-from-host-header.js';
import userEnumeration from './user-enumeration.js';
import userRecordExposedInResponse from './user-record-exposed-in-response.js';
import weakPasswordHashing from './weak-password-hashing.js';
import webhookWithoutSignatureCheck from './webhook-without-signature-check.js';
import xxeEnabledParser from './xxe-enabled-parser.js';

/** Security probes, sorted by id. */
export default [
  authRouteWithoutRateLimit,
  clientSuppliedPrice,
  codeExecWithRequestData,
  committedEnvFile,
  containerRunsAsRoot,
  corsWildcardCredentials,
  csrfMissing,
  dangerouslySetInnerHtml,
  errorDetailsInResponse,
  githubActionsScriptInjection,
  hardcodedSecret,
  hardcodedSessionSecret,
  insecureCookie,
  insecureRandomToken,
  jwtDecodeWithoutVerify,
  k8sPrivilegedContainer,
  nosqlInjection,
  openRedirect,
  pathTraversal,
  publicBucketUpload,
  regexDos,
  resetTokenNotSingleUse,
  resetTokenStoredInPlainText,
  secretEnvFallbackLiteral,
  secretExposedToClientBundle,
  secretFileCopiedIntoImage,
  sqlStringConcat,
  ssrf,
  templateInjection,
  timingUnsafeSecretComparison,
  unpinnedThirdPartyAction,
  unsafeDeserialization,
  urlBuiltFromHostHeader,
  userEnumeration,
  userRecordExposedInResponse,
  weakPasswordHashing,
  webhookWithoutSignatureCheck,
  xxeEnabledParser,
];
