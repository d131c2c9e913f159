/**
 * What to fix when the cause of a failure is the setup (credential, Base URL, token, Act As),
 * worded once: the node's errors and the credential's "Test credential" messages both use these.
 */

/** The Base URL is not Glean's API host (a 404 where no ID is involved, a body that is not Glean's, a redirect). */
export const BASE_URL_HINT =
	'Set "Base URL" in the Glean credential to your Glean API host, e.g. https://acme-be.glean.com or just "acme" (Glean\'s admin console shows it). The address of the Glean web app, or of a proxy or sign-in page in front of it, is not the API host.';

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

/** Glean's agents need the AGENTS scope besides CHAT (developers.glean.com, Agents API: "Required Scopes: agents, chat"). */
export const AGENTS_SCOPE_HINT =
	'The token is valid but may not run or read this agent. Glean agents need a token with the AGENTS and CHAT scopes: create one with both and update the Glean Chat API credential. Check too that the agent is shared with the user (the Act As user, if set).';

export const OAUTH_AGENTS_SCOPE_HINT =
	'The signed-in user may not run or read this agent. Add agents to the credential\'s "Scope" (for example "chat agents offline_access"), check that Glean\'s OAuth client allows it, then reconnect the credential; check too that the agent is shared with the user.';

/** A 401 on the OAuth2 credential that n8n's refresh did not cure, or a refresh Glean refused. */
export const OAUTH_RECONNECT_HINT =
	'Open the Glean Chat OAuth2 API credential and click "Reconnect" to sign in to Glean again. If that fails too, ask your Glean admin whether the OAuth client (its client ID and redirect URL) is still registered.';

/** A 403 on the OAuth2 credential: the sign-in did not grant chat, or the user may not use it. */
export const OAUTH_SCOPE_HINT =
	'The signed-in user is not allowed to do this: check that the credential\'s "Scope" includes chat and that Glean\'s OAuth client allows it, then reconnect the credential; check too that the user may use Glean Chat.';
