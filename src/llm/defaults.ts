/** The model the agents use unless told otherwise: strong enough to trace code paths, priced for a whole audit. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';
/** The whole audit's spend cap in USD unless told otherwise. */
export const DEFAULT_BUDGET_USD = 5;
/** Agents at once after the system explorer. */
export const DEFAULT_CONCURRENCY = 4;
