import destructiveActionWithoutConfirmation from './destructive-action-without-confirmation.js';
import unhandledErrorResponse from './unhandled-error-response.js';

/** UI/UX Safety probes, sorted by id. */
export default [destructiveActionWithoutConfirmation, unhandledErrorResponse];
