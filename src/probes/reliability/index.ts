import containerImageUnpinned from './container-image-unpinned.js';
import httpCallWithoutTimeout from './http-call-without-timeout.js';
import k8sContainerWithoutResources from './k8s-container-without-resources.js';
import k8sLivenessProbeOnReadinessCheck from './k8s-liveness-probe-on-readiness-check.js';
import k8sSingleReplicaDeployment from './k8s-single-replica-deployment.js';
import noGracefulShutdown from './no-graceful-shutdown.js';
import retryWithoutBackoff from './retry-without-backoff.js';

/** Reliability probes, sorted by id. */
export default [
  containerImageUnpinned,
  httpCallWithoutTimeout,
  k8sContainerWithoutResources,
  k8sLivenessProbeOnReadinessCheck,
  k8sSingleReplicaDeployment,
  noGracefulShutdown,
  retryWithoutBackoff,
];
