/**
 * What to fix when the cause of a failure is the setup (credential, Base URL, token, Act As),
 * worded once: the node's errors and the credential's "Test credential" messages both use these.
 */

/** The Base URL is not Glean's API host (a 404 where no ID is involved, a body that is not Glean's, a redirect). */
export const BASE_URL_HINT =
	'Set "Base URL" in the Glean Chat API credential to your Glean API host, e.g. https://acme-be.glean.com or just "acme" (Glean\'s admin console shows it). The address of the Glean web app, or of a proxy or sign-in page in front of it, is not the API host.';

/** A 401 whose token is wrong or revoked. */
export const TOKEN_REJECTED_HINT =
	'Check that the API token in the Glean Chat API credential is complete and not revoked, or create a new one in Glean. For an access token from your identity provider, set "Token Type" to OAuth Access Token.';

/** A 401 whose token has expired (Glean says "Token has expired"). */
export const TOKEN_EXPIRED_HINT =
	'The token has expired: create a new API token in Glean (or get a new access token) and update the Glean Chat API credential.';

/** A 400 that names X-Glean-ActAs, or a bare 400 when no Act As was sent. */
export const ACT_AS_HINT =
	'A global token must name the user it acts for: fill "Act As (Email)" in the Glean Chat API credential, or the node\'s "Act As" option, with that user\'s e-mail address.';

/** A 403 that is not about one chat's owner. */
export const SCOPE_HINT =
	'Glean chat needs a token with the CHAT scope: create one with that scope and update the Glean Chat API credential. With Act As, check that the user may use Glean Chat.';
