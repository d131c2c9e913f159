import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { answerProblem, EMPTY_RESPONSE } from '../helpers/gleanShapes';
import { firstLine, headerValue } from './body';
import { SilenceError } from './deadline';
import type { ClientTimeoutError } from './deadline';
import { cut } from './gleanAnswers';
import { redact } from './redact';
import type { AttemptFailure, RetryBudget, RetryDecision } from './retry';
import { mayHaveReachedGlean, neverReachedGlean, seconds } from './retry';
import { BASE_URL_HINT } from './setupHints';
import type { HintContext } from './statusHints';
import { errorHint, permissionDenied } from './statusHints';
import type { GleanResponse } from './types';

/**
 * Every way a call to Glean fails, as the n8n error a user reads: Glean's own text, what to do
 * (statusHints.ts), what the retries did, and never the API token.
 */

/** Parts of a description as paragraphs, empty ones left out. */
export function paragraphs(...parts: Array<string | undefined>): string {
	return parts.filter((part) => part !== undefined && part !== '').join('\n\n');
}

const SAVED_CHAT_NOTE =
	'Not tried again: this message is saved to a chat, and Glean may already have stored it, so sending it again could post the question twice. Check the chat in Glean before running the item again.';

/** What the retries did, and why a saved message was not repeated, for the final error's description. */
export function retriesNote(
	budget: RetryBudget,
	decision: Extract<RetryDecision, { retry: false }>,
	failure: AttemptFailure,
	idempotent: boolean,
): string {
	return paragraphs(
		budget.attempts > 1 || decision.limited
			? `The node tried ${budget.attempts} time(s), waiting ${seconds(budget.waitedMillis)} in all, and stopped: ${decision.why}. The retry limits are in the node's "Retry" option.`
			: undefined,
		!idempotent && mayHaveReachedGlean(failure) ? SAVED_CHAT_NOTE : undefined,
	);
}

/** The run's shared pause is longer than what this item may still wait. */
export function sharedPauseError(
	node: INode,
	pause: number,
	left: number,
	attempts: number,
	itemIndex: number,
): NodeApiError {
	const message = `Glean is rate limiting these requests: the next try would be in ${seconds(pause)}, more than the ${seconds(Math.max(0, left))} left of this item's retry wait limit`;
	return new NodeApiError(node, { message, httpCode: '429' } as JsonObject, {
		message: attempts > 0 ? `${message} (after ${attempts} attempts)` : message,
		description:
			'Glean answered 429 (or 503) to a request of this node run for the same user, and all of them wait it out together. Raise "Max Total Wait" in the node\'s "Retry" option, lower "Concurrency", or run the workflow later.',
		httpCode: '429',
		itemIndex,
	});
}

/** The client's own time limit passed before Glean answered. */
export function timeoutError(
	node: INode,
	error: ClientTimeoutError,
	itemIndex: number,
	idempotent: boolean,
): NodeApiError {
	return new NodeApiError(node, { message: error.message } as JsonObject, {
		message: error.message,
		description: paragraphs(
			'Glean did not answer in time, so the node stopped waiting. Raise "Timeout (Ms)" in the node\'s options or use a faster agent.',
			idempotent ? undefined : SAVED_CHAT_NOTE,
		),
		itemIndex,
	});
}

/** The socket stayed silent past its idle limit (the HTTP client's ECONNABORTED). */
export function silenceError(
	node: INode,
	idleMillis: number,
	itemIndex: number,
	idempotent: boolean,
): NodeApiError {
	const { message } = new SilenceError(idleMillis);
	return new NodeApiError(node, { message } as JsonObject, {
		message,
		description: paragraphs(
			'Glean may be overloaded, or a proxy holds the connection. Run the item again later; to wait a different time, set "Timeout (Ms)" in the node\'s options (Send Message).',
			idempotent ? undefined : SAVED_CHAT_NOTE,
		),
		itemIndex,
	});
}

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
	return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS|^ERR_SSL/.test(code)
		? `its TLS certificate was not accepted (${code})`
		: undefined;
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
		token: string;
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

/**
 * Glean's refusal (a 3xx or 4xx/5xx status) as an error: Glean's text (`gleanText`, already
 * without the token), the hint for its status, and what the retries did (`note`).
 */
export function gleanError(
	node: INode,
	{
		response,
		gleanText,
		token,
		itemIndex,
		note,
		attempts,
		setup,
	}: {
		response: GleanResponse<unknown>;
		gleanText: string;
		token: string;
		itemIndex: number;
		note: string;
		attempts: number;
		setup: HintContext;
	},
): NodeApiError {
	const { statusCode } = response;
	const denied = permissionDenied(gleanText);
	if (statusCode === 403 && denied) {
		return new NodeApiError(node, { httpCode: '403', body: gleanText } as JsonObject, {
			message: `Glean answered 403: you do not have access${denied.owner ? `; it belongs to ${denied.owner}` : ''}`,
			description: denied.pending
				? 'An access request is already pending with the owner.'
				: `Ask the owner for access in Glean${denied.roles.length > 0 ? ` (you can request: ${denied.roles.join(', ')})` : ''}, or use a token or Act As user who has it.`,
			httpCode: '403',
			itemIndex,
		});
	}
	if (statusCode < 400) {
		const location = redact(headerValue(response.headers, 'location') ?? '', token);
		return new NodeApiError(node, { httpCode: String(statusCode) } as JsonObject, {
			message: `Glean answered ${statusCode}, a redirect${location ? ` to ${location}` : ''}, which the node does not follow`,
			description: `Glean's API does not redirect, so the Base URL probably points at the Glean web app or a proxy. ${BASE_URL_HINT} Not following redirects keeps the token, the Act As user and your data with the host you configured.`,
			httpCode: String(statusCode),
			itemIndex,
		});
	}
	const after = attempts > 1 ? ` (after ${attempts} attempts)` : '';
	// Glean's errors are short plain text: a web page came from something else, and is quoted only in part.
	const page = gleanText.startsWith('<') ? answerProblem(gleanText, EMPTY_RESPONSE) : undefined;
	const message =
		page !== undefined
			? `The answer to ${setup.endpoint} was not Glean's: ${statusCode} with ${page}${after}`
			: `Glean answered ${statusCode}${gleanText === '' ? '' : `: ${firstLine(gleanText)}`}${after}`;
	const quoted =
		gleanText === ''
			? undefined
			: page !== undefined
				? `It began with: ${cut(gleanText, 300)}`
				: `Glean's full answer: ${gleanText}`;
	return new NodeApiError(node, { httpCode: String(statusCode), body: gleanText } as JsonObject, {
		message,
		description: paragraphs(errorHint(statusCode, gleanText, setup), note, quoted),
		httpCode: String(statusCode),
		itemIndex,
	});
}
