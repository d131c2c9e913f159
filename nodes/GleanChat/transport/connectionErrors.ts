import type { INode, JsonObject, NodeApiError } from 'n8n-workflow';

import { apiError } from './nodeErrors';
import { paragraphs } from './gleanErrors';
import type { Secrets } from './redact';
import { redact } from './redact';
import { neverReachedGlean } from './retry';
import { BASE_URL_HINT } from './setupHints';

/**
 * Connection failures: whether the request could have reached Glean (which decides whether a
 * saved message may be sent again), and the error a user reads, rebuilt from the failure's code
 * so no request configuration (and with it the token) travels along.
 */

/**
 * An error and the errors it wraps, outermost first (at most 5 deep). n8n-core wraps a failed
 * request in NodeApiError: with n8n-workflow 2.x it keeps the original as `cause` (axios keeps
 * the socket's error as its `cause` in turn); with 1.x the original is dropped, and only the
 * NodeApiError's `httpCode` (the code) and `messages` (the original message) tell what happened.
 */
function* wrappedErrors(error: unknown): Generator<object> {
	let current = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		yield current;
		current = (current as { cause?: unknown }).cause;
	}
}

/** Node's and axios's error codes are upper case (`ECONNRESET`); HTTP statuses are digits. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]+$/;

/**
 * The code of a connection error (`ECONNRESET`, …): on it or an error it wraps, else the code
 * n8n-workflow 1.x's NodeApiError keeps as its `httpCode` in place of the dropped original.
 */
export function errorCode(error: unknown): string | undefined {
	let fromN8n: string | undefined;
	for (const current of wrappedErrors(error)) {
		const { code, httpCode } = current as { code?: unknown; httpCode?: unknown };
		if (typeof code === 'string') return code;
		if (typeof httpCode === 'string' && ERROR_CODE.test(httpCode)) fromN8n ??= httpCode;
	}
	return fromN8n;
}

/**
 * Node's words for a failure before the request was written, kept where the error itself is not
 * (n8n 1.x's `messages`): "connect ECONNRESET 10.0.0.1:443" (`syscall: 'connect'`), or a TLS
 * handshake broken off.
 */
const NOT_CONNECTED = /^connect [A-Z][A-Z0-9_]+ |before secure TLS connection was established/;

/**
 * A connection error as the retry rules see it: its code, and whether it happened before the
 * request could be written: a code that says so (retry.ts), a failure while connecting (a reset
 * or timeout with `syscall: 'connect'`, as Node reports it), or a TLS handshake the server broke
 * off ("… before secure TLS connection was established").
 */
export function connectionFailureOf(error: unknown): {
	kind: 'connection';
	code?: string;
	neverReached: boolean;
} {
	const code = errorCode(error);
	let neverReached = neverReachedGlean(code);
	for (const current of wrappedErrors(error)) {
		if (neverReached) break;
		const { syscall, message, messages, errors } = current as {
			syscall?: unknown;
			message?: unknown;
			messages?: unknown;
			errors?: unknown;
		};
		// Several addresses tried (an AggregateError): Glean was never reached if no connection was.
		const tried =
			Array.isArray(errors) &&
			errors.length > 0 &&
			errors.every((inner) => (inner as { syscall?: unknown })?.syscall === 'connect');
		neverReached =
			syscall === 'connect' ||
			tried ||
			[message, ...(Array.isArray(messages) ? messages : [])].some(
				(text) => typeof text === 'string' && NOT_CONNECTED.test(text),
			);
	}
	return { kind: 'connection', code, neverReached };
}

/** What a connection error code means, in words (n8n's own text suggests retrying, which is not always safe). */
const CONNECTION_REASONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up right now',
	ETIMEDOUT: 'the connection timed out',
	ENETUNREACH: 'the network cannot reach the host',
	EHOSTUNREACH: 'the network cannot reach the host',
	ENETDOWN: 'the network cannot reach the host',
	EHOSTDOWN: 'the network cannot reach the host',
	EPROTO: 'the TLS handshake failed (is the host serving HTTPS?)',
	ECONNRESET: 'the connection was closed before Glean answered',
	EPIPE: 'the connection was closed before Glean answered',
	UND_ERR_SOCKET: 'the connection was closed before Glean answered',
};

function connectionReason(code: string | undefined): string | undefined {
	if (code === undefined) return undefined;
	if (Object.hasOwn(CONNECTION_REASONS, code)) return CONNECTION_REASONS[code];
	if (/^CERT_|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS_CERT/.test(code))
		return `its TLS certificate was not accepted (${code})`;
	return /^ERR_SSL|^ERR_TLS/.test(code) ? `a TLS error (${code})` : undefined;
}

/**
 * A connection failure rebuilt from its code or message alone, so no request configuration (and
 * with it the Authorization header) travels along.
 */
export function connectionFailure(
	node: INode,
	{
		error,
		baseUrl,
		token,
		itemIndex,
		note,
		attempts,
	}: {
		error: unknown;
		baseUrl: string;
		token: Secrets;
		itemIndex: number;
		note: string;
		attempts: number;
	},
): NodeApiError {
	const { code, neverReached } = connectionFailureOf(error);
	// A reset or timeout while connecting reached nobody: said so, not "before Glean answered".
	const known =
		neverReached && (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT')
			? code === 'ETIMEDOUT'
				? 'the connection could not be made in time'
				: 'the connection was closed before it was set up (while connecting, or during the TLS handshake)'
			: connectionReason(code);
	const reason = known ?? redact(error instanceof Error ? error.message : String(error), token);
	const reached = known !== undefined && !neverReached;
	const where = reached
		? `The connection to Glean at ${baseUrl} failed`
		: `Could not reach Glean at ${baseUrl}`;
	return apiError(node, { message: reason } as JsonObject, {
		message: `${where}: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`,
		description: paragraphs(
			reached
				? 'Glean or a proxy in between closed the connection. If it keeps happening, check proxies and firewalls between n8n and Glean.'
				: `Check that this n8n instance can reach that host (proxies, firewalls, DNS). ${BASE_URL_HINT}`,
			note,
		),
		itemIndex,
	});
}
