import { abortableSleep } from './abortableSleep';

/**
 * When a failed call to Glean is tried again, and how long to wait first. Pure decisions: the
 * transport owns the loop, this module owns the rules.
 */

export interface RetryPolicy {
	/** Tries in all, the first included: 1 turns retries off. */
	maxAttempts: number;
	/** The most the waits between tries (and for turns at Glean's pace) may add up to. */
	maxWaitMillis: number;
	/**
	 * The node's "Max Requests per Minute": pace requests for the same Glean user to this from
	 * the first one on. Undefined: learn the pace from Glean's 429s (pace.ts).
	 */
	maxPerMinute?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, maxWaitMillis: 120_000 };

/** The first backoff without Retry-After; each further one doubles, up to the ceiling. */
export const BACKOFF_BASE_MILLIS = 1_000;
export const BACKOFF_CEILING_MILLIS = 30_000;

/**
 * The clock retries wait on. Node code waits with n8n's sleep (abortableSleep), which stops at
 * once when the execution's signal aborts; tests swap this object's members to wait in virtual
 * time.
 */
export const retryClock = {
	sleep: async (millis: number, signal: AbortSignal): Promise<void> =>
		await abortableSleep(millis, signal),
	now: (): number => Date.now(),
	random: (): number => Math.random(),
};

/** What went wrong with one try. */
export type AttemptFailure =
	| { kind: 'status'; statusCode: number; retryAfter?: string }
	/** `neverReached`: the connection failed before the request could be written (see connectionFailureOf). */
	| { kind: 'connection'; code?: string; neverReached?: boolean };

/**
 * Connection errors raised before a byte of the request could reach Glean: no connection (refused,
 * no route, no such host, a name lookup that failed), or a TLS handshake that failed (the request
 * is written only after it). Glean cannot have acted on these.
 */
const UNREACHED_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ENETDOWN',
	'EHOSTDOWN',
	'EADDRNOTAVAIL',
	'EPROTO',
]);

/** Connection errors that may come after the request reached Glean: the connection broke or timed out. */
const BROKEN_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET']);

/**
 * Whether a connection error code means Glean was never reached (see UNREACHED_CODES), a refused
 * TLS certificate included. Other TLS errors (`ERR_SSL_…`) may come after the request was written.
 */
export function neverReachedGlean(code: string | undefined): boolean {
	return (
		code !== undefined &&
		(UNREACHED_CODES.has(code) || /^CERT_|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS_CERT/.test(code))
	);
}

/**
 * Whether Glean may have received (and acted on) the request that failed this way: a 5xx other
 * than 503, or a connection that broke after it was made. 429 and 503 are refusals before
 * acting, and a connection never made reached nobody.
 */
export function mayHaveReachedGlean(failure: AttemptFailure): boolean {
	if (failure.kind === 'status') return failure.statusCode >= 500 && failure.statusCode !== 503;
	return !(failure.neverReached ?? neverReachedGlean(failure.code));
}

/**
 * 429, 503 and connections never made mean Glean did not run the request, so every call may
 * repeat them. Other 5xx and broken connections may come after Glean acted: they are repeated
 * only for calls that are safe to run twice (not a Send Message that saves to a chat, which
 * would post the question twice). 408 is never repeated: it would take as long again.
 */
export function isRetryable(failure: AttemptFailure, idempotent: boolean): boolean {
	if (failure.kind === 'status') {
		if (failure.statusCode === 429 || failure.statusCode === 503) return true;
		return idempotent && failure.statusCode >= 500;
	}
	if (failure.neverReached ?? neverReachedGlean(failure.code)) return true;
	return idempotent && failure.code !== undefined && BROKEN_CONNECTION_CODES.has(failure.code);
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	const text = value?.trim();
	if (!text) return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	// An HTTP date names its day and month ("Wed, 27 Nov 2026 03:00:07 GMT"); a bare number that is not a delay is no date.
	const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": between half and all of base × 2^(retry−1), capped. */
export function backoffMillis(retryNumber: number, random: number): number {
	const ceiling = Math.min(BACKOFF_CEILING_MILLIS, BACKOFF_BASE_MILLIS * 2 ** (retryNumber - 1));
	return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export type RetryDecision =
	| { retry: true; waitMillis: number }
	/** `limited`: the failure could be retried, but the limits say no more. */
	| { retry: false; why: string; limited: boolean };

/** The tries and waits of one call so far, and whether the next failure may be tried again. */
export class RetryBudget {
	attempts = 0;

	waitedMillis = 0;

	constructor(readonly policy: RetryPolicy) {}

	decide(failure: AttemptFailure, idempotent: boolean, onceWhat?: string): RetryDecision {
		if (!isRetryable(failure, idempotent))
			return { retry: false, why: notRetried(failure, idempotent, onceWhat), limited: false };
		if (this.attempts >= this.policy.maxAttempts) {
			return { retry: false, why: `gave up after ${this.attempts} attempts`, limited: true };
		}
		const remaining = this.policy.maxWaitMillis - this.waitedMillis;
		const retryAfter =
			failure.kind === 'status' ? parseRetryAfter(failure.retryAfter, retryClock.now()) : undefined;
		if (retryAfter !== undefined) {
			// Trying sooner than Glean asked would only be refused again.
			if (retryAfter > remaining) {
				return {
					retry: false,
					why: `Glean asked to wait ${seconds(retryAfter)} (Retry-After), more than the ${seconds(Math.max(0, remaining))} left of the retry wait limit, after ${this.attempts} attempt(s)`,
					limited: true,
				};
			}
			return { retry: true, waitMillis: retryAfter };
		}
		if (remaining <= 0) {
			return {
				retry: false,
				why: `gave up after ${this.attempts} attempts: the retry wait limit is used up`,
				limited: true,
			};
		}
		const waitMillis = Math.min(backoffMillis(this.attempts, retryClock.random()), remaining);
		return { retry: true, waitMillis };
	}
}

function notRetried(
	failure: AttemptFailure,
	idempotent: boolean,
	onceWhat = 'for a message saved to a chat',
): string {
	const what =
		failure.kind === 'status' ? `a ${failure.statusCode} answer` : 'this connection error';
	const onceOnly = !idempotent && mayHaveReachedGlean(failure);
	return `${what} is not tried again${onceOnly ? ` ${onceWhat}` : ''}`;
}

export function seconds(millis: number): string {
	return `${(millis / 1000).toFixed(millis < 10_000 ? 1 : 0)} s`;
}
