import autoscalerMaxReplicasUnbounded from './autoscaler-max-replicas-unbounded.js';
import imageOptimizerAllowsAnyHost from './image-optimizer-allows-any-host.js';
import llmCallWithoutTokenLimit from './llm-call-without-token-limit.js';
import paidApiCallWithoutCacheOrLimit from './paid-api-call-without-cache-or-limit.js';
import paidApiCalledFromBrowser from './paid-api-called-from-browser.js';
import unboundedPaidApiLoop from './unbounded-paid-api-loop.js';

/** Cost Control probes, sorted by id. */
export default [autoscalerMaxReplicasUnbounded, imageOptimizerAllowsAnyHost, llmCallWithoutTokenLimit, paidApiCallWithoutCacheOrLimit, paidApiCalledFromBrowser, unboundedPaidApiLoop];
