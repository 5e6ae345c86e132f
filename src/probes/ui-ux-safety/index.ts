import destructiveActionWithoutConfirmation from './destructive-action-without-confirmation.js';
import doubleSubmitNotPrevented from './double-submit-not-prevented.js';
import rawErrorShownToUser from './raw-error-shown-to-user.js';
import uiAssumesRequestSucceeded from './ui-assumes-request-succeeded.js';
import unhandledErrorResponse from './unhandled-error-response.js';

/** UI/UX Safety probes, sorted by id. */
export default [destructiveActionWithoutConfirmation, doubleSubmitNotPrevented, rawErrorShownToUser, uiAssumesRequestSucceeded, unhandledErrorResponse];
