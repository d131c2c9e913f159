import type { IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import type { CheckedCredential } from './credential';
import { SIGN_IN_CREDENTIAL, storedAccessToken } from './credential';
import { redact } from './redact';
import type { AttemptFailure } from './retry';
import { retryClock, seconds } from './retry';
import { OAUTH_RECONNECT_HINT } from './setupHints';
import { operationError } from './nodeErrors';

/**
 * Keeping the OAuth2 sign-in alive. n8n refreshes an OAuth2 access token when its own request
 * path sees a 401, but the transport reads Glean's refusals itself (`ignoreHttpStatusErrors`),
 * so on Glean's 401 it asks n8n to refresh (`helpers.refreshOAuth2Token`, stored for every
 * later request; n8n-core 2.x runs one refresh per credential at a time, 1.x one per call, so
 * the node shares one per credential) and tries once more.
 */

/** How long a refresh may take: n8n's own token request would wait 300 s. */
export const REFRESH_LIMIT_MILLIS = 60_000;

/** Whether this try's failure is an OAuth2 access token Glean no longer takes, not yet refreshed. */
export function signInExpired(
	credential: CheckedCredential,
	failure: AttemptFailure,
	alreadyRefreshed: boolean,
): boolean {
	return (
		credential.type === SIGN_IN_CREDENTIAL &&
		!alreadyRefreshed &&
		failure.kind === 'status' &&
		failure.statusCode === 401
	);
}

/**
 * Gets the credential a live access token for the next try: the one another item's refresh
 * stored since this call read the credential (when `mayReuse`: once per call), else a new one
 * from n8n's refresh (at Glean's `/oauth/token`, refresh grant). The new tokens join the run's
 * secrets (never shown). Returns which it was.
 * @throws NodeOperationError naming the item and saying to reconnect the credential, when n8n
 * cannot refresh it: the refresh token was revoked or expired (`invalid_grant`), the sign-in
 * asked for no refresh token (`offline_access` missing), the token endpoint failed or took
 * longer than REFRESH_LIMIT_MILLIS; the cancel reason when the execution is cancelled.
 */
export async function refreshSignIn(
	this: IExecuteFunctions,
	credential: CheckedCredential,
	{
		itemIndex,
		cancelSignal,
		mayReuse,
	}: { itemIndex: number; cancelSignal: AbortSignal; mayReuse: boolean },
): Promise<'reused' | 'refreshed'> {
	const node = this.getNode();
	const fail = (message: string, description: string, hint = OAUTH_RECONNECT_HINT) =>
		operationError(node, `Item ${itemIndex}: ${message}`, {
			itemIndex,
			description: `${description} ${hint}`,
		});
	const late = () =>
		fail(
			'the access token expired and n8n could not refresh it in time',
			`Glean's token endpoint (${credential.baseUrl}/oauth/token) did not answer within ${seconds(REFRESH_LIMIT_MILLIS)}.`,
			"Run the workflow again later; if it keeps failing, ask your Glean admin whether Glean's OAuth server is reachable from n8n.",
		);
	cancelSignal.throwIfAborted();
	// A 401 for the token another item has already replaced needs no refresh of its own: one
	// more would rotate the tokens under the items now using the new ones.
	const stored = await storedAccessToken.call(this, itemIndex);
	if (mayReuse && stored !== '' && stored !== credential.accessToken) return 'reused';
	if (typeof this.helpers.refreshOAuth2Token !== 'function') {
		throw fail(
			'Glean no longer accepts the access token, and this n8n cannot refresh it for a node',
			'Glean answered 401 (the access token expired or was revoked).',
		);
	}
	// One refresh at a time per credential: callers that find one under way wait for it (one
	// already past its time limit fails them at once). n8n-core 2.x refreshes once per
	// credential at a time itself; 1.x starts one per call, and each after the first would send
	// a refresh token Glean has already replaced (`invalid_grant`).
	const shared = sharedRefresh(this, credential);
	let outcome: 'refreshed' | 'late';
	try {
		outcome = await withinLimit(shared, cancelSignal);
	} catch (error) {
		cancelSignal.throwIfAborted();
		// Another n8n process (a queue-mode worker on n8n 1.x) renewed the sign-in a moment
		// before with the same refresh token, so Glean refused this one: use what it stored.
		if (refusedGrant(error)) {
			const renewed = await storedAccessToken.call(this, itemIndex);
			if (renewed !== '' && renewed !== credential.accessToken) return 'reused';
		}
		throw refreshError(error, credential, fail);
	}
	if (outcome === 'late') throw late();
	// The next read of the credential has the new tokens: from now on they are redacted too.
	await storedAccessToken.call(this, itemIndex);
	return 'refreshed';
}

/** A refresh under way, and when it started (retryClock), for everyone who waits for it. */
interface SharedRefresh {
	done: Promise<unknown>;
	startedAt: number;
}

/**
 * The refreshes under way in this n8n process, by credential (type and ID): the items of a
 * node run, an AI Agent's parallel tool calls and the editor's lookups, which n8n 1.x each
 * gives a context of its own. Another n8n process (a queue-mode worker) can still refresh the
 * same credential at the same moment on n8n 1.x.
 */
const refreshesUnderWay = new Map<string, SharedRefresh>();

function sharedRefresh(context: IExecuteFunctions, credential: CheckedCredential): SharedRefresh {
	// n8n gives every stored credential an ID (its own refresh refuses one without): only
	// then is a refresh shared.
	const id = context.getNode().credentials?.[credential.type]?.id;
	const key = id ? `${credential.type}:${id}` : undefined;
	const known = key === undefined ? undefined : refreshesUnderWay.get(key);
	if (known) return known;
	const shared: SharedRefresh = {
		done: context.helpers.refreshOAuth2Token.call(context, credential.type) as Promise<unknown>,
		startedAt: retryClock.now(),
	};
	if (key !== undefined) {
		refreshesUnderWay.set(key, shared);
		const ended = () => {
			if (refreshesUnderWay.get(key) === shared) refreshesUnderWay.delete(key);
		};
		void shared.done.then(ended, ended);
	}
	return shared;
}

/**
 * The refresh's end, or 'late' once REFRESH_LIMIT_MILLIS have passed since it started (a caller
 * that joins a refresh under way waits only for what is left); throws at once when cancelled.
 */
async function withinLimit(
	{ done: refresh, startedAt }: SharedRefresh,
	cancelSignal: AbortSignal,
): Promise<'refreshed' | 'late'> {
	const stop = new AbortController();
	const onCancel = () => stop.abort(cancelSignal.reason);
	cancelSignal.addEventListener('abort', onCancel, { once: true });
	if (cancelSignal.aborted) onCancel();
	const left = Math.max(0, startedAt + REFRESH_LIMIT_MILLIS - retryClock.now());
	const limit = retryClock.sleep(left, stop.signal).then(
		() => 'late' as const,
		() => 'ended' as const,
	);
	try {
		const first = await Promise.race([refresh.then(() => 'refreshed' as const), limit]);
		cancelSignal.throwIfAborted();
		// n8n's token request goes on by itself; its end is of no use any more.
		if (first === 'late') void refresh.catch(() => {});
		return first === 'late' ? 'late' : 'refreshed';
	} finally {
		cancelSignal.removeEventListener('abort', onCancel);
		stop.abort();
		if (cancelSignal.aborted) void refresh.catch(() => {});
	}
}

/**
 * Whether Glean refused the refresh token (`invalid_grant`): n8n-core 2.x marks that error as
 * needing a reconnect; 1.x passes on @n8n/client-oauth2's AuthError, which keeps Glean's answer
 * as `body`.
 */
function refusedGrant(error: unknown): boolean {
	const { failure, body, message } = (error ?? {}) as {
		failure?: { cause?: string };
		body?: { error?: unknown };
		message?: unknown;
	};
	return (
		failure?.cause === 'credential-invalid' ||
		body?.error === 'invalid_grant' ||
		(typeof message === 'string' && /needs to be reconnected/i.test(message))
	);
}

/** Why n8n could not refresh, worded for the user and without any secret. */
function refreshError(
	error: unknown,
	credential: CheckedCredential,
	fail: (message: string, description: string) => NodeOperationError,
): NodeOperationError {
	const reason = redact(error instanceof Error ? error.message : String(error), credential.secrets);
	if (refusedGrant(error)) {
		return fail(
			'Glean ended the sign-in: the access token expired and Glean refused to renew it',
			'The refresh token was revoked or has expired (the user signed out, an admin revoked the app, or it went unused too long).',
		);
	}
	// @n8n/client-oauth2's words when the stored token data holds no refresh token (2.x, 1.x).
	if (/no refresh token|refreshToken is required/i.test(reason)) {
		return fail(
			'the access token expired and the credential has no refresh token',
			'Glean gives a refresh token only when the sign-in asks for offline_access: add it to the credential\'s "Scope" (and allow it on Glean\'s OAuth client), then reconnect.',
		);
	}
	return fail(
		'the access token expired and n8n could not refresh it',
		`Glean's token endpoint (${credential.baseUrl}/oauth/token) failed: ${reason}. Check the credential's Client ID and Client Secret.`,
	);
}
