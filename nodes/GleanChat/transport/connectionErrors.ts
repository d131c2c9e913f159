import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

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

/** The code of a connection error, on it or on one of its causes (n8n and axios wrap them). */
export function errorCode(error: unknown): string | undefined {
	for (
		let current = error, depth = 0;
		current && typeof current === 'object' && depth < 4;
		depth++
	) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

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
	for (
		let current = error, depth = 0;
		!neverReached && current && typeof current === 'object' && depth < 4;
		depth++
	) {
		const { syscall, message, errors, cause } = current as {
			syscall?: unknown;
			message?: unknown;
			errors?: unknown;
			cause?: unknown;
		};
		// Several addresses tried (an AggregateError): Glean was never reached if no connection was.
		const tried =
			Array.isArray(errors) &&
			errors.length > 0 &&
			errors.every((inner) => (inner as { syscall?: unknown })?.syscall === 'connect');
		neverReached =
			syscall === 'connect' ||
			tried ||
			(typeof message === 'string' && /before secure TLS connection was established/.test(message));
		current = cause;
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
	return new NodeApiError(node, { message: reason } as JsonObject, {
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
