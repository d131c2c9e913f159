import {
	ACT_AS_HINT,
	BASE_URL_HINT,
	OAUTH_RECONNECT_HINT,
	AGENTS_SCOPE_HINT,
	OAUTH_AGENTS_SCOPE_HINT,
	OAUTH_SCOPE_HINT,
	SCOPE_HINT,
	TOKEN_EXPIRED_HINT,
	TOKEN_REJECTED_HINT,
} from './setupHints';

/**
 * What to do about Glean's refusals, status by status, setup causes first (worded as in
 * setupHints.ts), and the one JSON refusal Glean sends (getchat's permission-denied 403).
 */

/** Glean's one JSON error: AccessRequestPermissionDeniedResponse (getchat's 403). */
export function permissionDenied(
	text: string,
): { owner?: string; roles: string[]; pending: boolean } | undefined {
	if (!text.startsWith('{')) return undefined;
	try {
		const body = JSON.parse(text) as {
			errorType?: string;
			createdBy?: { name?: string; metadata?: { email?: string } };
			requestableRoles?: unknown[];
			hasPendingRequest?: boolean;
		};
		if (body.errorType !== 'PERMISSION_DENIED') return undefined;
		const name = body.createdBy?.name;
		const email = body.createdBy?.metadata?.email;
		const owner = name && email ? `${name} (${email})` : (name ?? email);
		const roles = (body.requestableRoles ?? []).map((role) => String(role));
		return { owner, roles, pending: body.hasPendingRequest === true };
	} catch {
		return undefined;
	}
}

/**
 * The tools an agent run needs connected, from Glean's 422 (UnauthorizedAgentToolsError:
 * `authenticationSuggestions`, one ServerToolRequest per tool), as "Name (server ID)".
 */
export function toolsToConnect(text: string): string[] | undefined {
	if (!text.startsWith('{')) return undefined;
	try {
		const body = JSON.parse(text) as { authenticationSuggestions?: unknown };
		if (!Array.isArray(body.authenticationSuggestions)) return undefined;
		return body.authenticationSuggestions.map((entry: Record<string, unknown> | null) => {
			const name = entry?.toolDisplayName ?? entry?.toolName ?? entry?.serverId ?? 'a tool';
			const server =
				entry?.serverId && entry.serverId !== name ? ` (${String(entry.serverId)})` : '';
			return `${String(name)}${server}`;
		});
	} catch {
		return undefined;
	}
}

/** Glean's words in an error body: the `message` of its JSON ErrorResponse, else the text as it is. */
export function gleanMessage(text: string): string {
	if (!text.startsWith('{')) return text;
	try {
		const body = JSON.parse(text) as { message?: unknown };
		return typeof body.message === 'string' && body.message.trim() !== '' ? body.message : text;
	} catch {
		return text;
	}
}

/** What a failing call was about, for the hint: its endpoint, the Act As user sent ('' for none), and what its 404 means. */
export interface HintContext {
	endpoint: string;
	actAs: string;
	notFound?: string;
	/** The OAuth2 credential was used (its 401 comes after n8n's refresh; it has no Act As). */
	signedIn?: boolean;
}

/** What to do about Glean's refusal; setup causes first, worded as in setupHints.ts. */
export function errorHint(
	statusCode: number,
	gleanText: string,
	{ endpoint, actAs, notFound, signedIn }: HintContext,
): string {
	// Glean's errors are short plain text (or getchat's JSON 403): a page means something else answered.
	if (gleanText.startsWith('<')) {
		return `Something other than Glean's API answered (a proxy, a sign-in gateway, or the web app). ${BASE_URL_HINT}`;
	}
	if (statusCode === 400 && /X-Glean-ActAs/i.test(gleanText))
		return `This is a global token, so Glean needs to know which user to act for. ${ACT_AS_HINT}`;
	const agents = endpoint.startsWith('agents');
	switch (statusCode) {
		case 400:
			if (/^(bad request\.?)?$/i.test(gleanText.trim())) {
				return actAs === ''
					? `Glean gave no reason. The usual cause is a global token without Act As. ${ACT_AS_HINT} Otherwise check that the Base URL is Glean's API host, then the node's parameters.`
					: `Glean gave no reason. Check that the Act As user (${actAs}) exists in Glean and that the Base URL is Glean's API host, then the node's parameters.`;
			}
			return "Glean rejected the request. Check the node's parameters against Glean's message above.";
		case 401:
			if (signedIn)
				return `Glean did not accept the access token, even after n8n refreshed it. ${OAUTH_RECONNECT_HINT}`;
			return `Glean did not accept the API token. ${/expired/i.test(gleanText) ? TOKEN_EXPIRED_HINT : TOKEN_REJECTED_HINT}`;
		case 403:
			if (agents) return signedIn ? OAUTH_AGENTS_SCOPE_HINT : AGENTS_SCOPE_HINT;
			if (signedIn) return OAUTH_SCOPE_HINT;
			return `The token is valid but not allowed to do this. ${SCOPE_HINT}`;
		case 404:
			return notFound ?? `No Glean API answered at this address. ${BASE_URL_HINT}`;
		case 405:
			return `This is not Glean's API: it does not take this request. ${BASE_URL_HINT}`;
		case 409:
			return agents
				? "Glean refused the run as conflicting with another one. Wait for the agent's other run to finish, then run the item again."
				: 'Glean refused the request as conflicting with another one. Run the item again in a moment.';
		case 408:
			return 'Glean took longer than the request\'s timeout. Raise "Timeout (Ms)" in the node\'s options or use a faster agent.';
		case 429:
			return "Glean's rate limit was reached (chat allows about one request every two seconds per user). Wait and run again, or send fewer items at once.";
		default:
			return statusCode >= 500
				? 'Glean had a problem answering. Try again later; if it persists, contact your Glean administrator.'
				: '';
	}
}
