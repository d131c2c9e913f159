import type { IExecuteFunctions, IHttpRequestOptions, NodeApiError } from 'n8n-workflow';

import type { FailedAttempt, Sending } from './attempt';
import { attempt, requestOptions } from './attempt';
import { firstLine } from './body';
import { checkedCredential } from './credential';
import { connectionFailure, errorCode } from './connectionErrors';
import { gleanError, retriesNote, sharedPauseError, silenceError } from './gleanErrors';
import type { RetryDecision } from './retry';
import { DEFAULT_RETRY_POLICY, RetryBudget, retryClock, seconds } from './retry';
import type { SharedBackoff } from './sharedBackoff';
import { sharedBackoff } from './sharedBackoff';
import type { GleanCall, GleanResponse } from './types';

/**
 * Sending one call to Glean: tries (attempt.ts) within the client's time limits, tried again as
 * retry.ts decides, waiting with the other requests of the run for the same user after a 429
 * (sharedBackoff.ts), and the final failure as an n8n error (gleanErrors.ts).
 */

/**
 * Sends `call` and returns Glean's `2xx` answer (a stream body comes guarded by the time limits).
 * @throws NodeOperationError for a credential that cannot work (nothing sent); NodeApiError for
 * Glean's refusal or a connection failure once retries are done or not allowed, and for the
 * client's time limits.
 */
export async function send(
	this: IExecuteFunctions,
	call: GleanCall,
	itemIndex: number,
	mode: Pick<IHttpRequestOptions, 'json' | 'encoding'>,
): Promise<GleanResponse<unknown>> {
	const credential = await checkedCredential.call(this, call.actAs, itemIndex);
	const sending: Sending = {
		call,
		options: requestOptions(call, credential.baseUrl, mode),
		credential,
		itemIndex,
		idempotent: call.idempotent !== false,
		cancelSignal: this.getExecutionCancelSignal() ?? new AbortController().signal,
	};
	const budget = new RetryBudget(call.retry ?? DEFAULT_RETRY_POLICY);
	const { baseUrl, token, user } = credential;
	const backoff = sharedBackoff(this, `${baseUrl}\n${token}\n${user}`);
	backoff.enter();
	try {
		for (;;) {
			await waitForSharedPause.call(this, sending, backoff, budget);
			budget.attempts++;
			const result = await attempt.call(this, sending);
			if ('answer' in result) return result.answer;
			await afterFailure.call(this, sending, result, budget, backoff);
		}
	} finally {
		backoff.leave();
	}
}

/**
 * This request, or another of the run for the same user, was told to back off: wait, and count
 * the wait against this item's retry limit.
 */
async function waitForSharedPause(
	this: IExecuteFunctions,
	{ itemIndex, cancelSignal }: Sending,
	backoff: SharedBackoff,
	budget: RetryBudget,
): Promise<void> {
	const pause = backoff.delay();
	if (pause <= 0) return;
	const left = budget.policy.maxWaitMillis - budget.waitedMillis;
	if (pause > left) throw sharedPauseError(this.getNode(), pause, left, budget.attempts, itemIndex);
	await retryClock.sleep(pause, cancelSignal);
	// Also when an older n8n's sleep ignores the signal: a cancelled execution sends nothing more.
	cancelSignal.throwIfAborted();
	budget.waitedMillis += pause;
}

/** Throws the final error when the failure is not tried again; otherwise logs it and waits. */
async function afterFailure(
	this: IExecuteFunctions,
	sending: Sending,
	failed: FailedAttempt,
	budget: RetryBudget,
	backoff: SharedBackoff,
): Promise<void> {
	const { itemIndex, idempotent, cancelSignal } = sending;
	const { failure, gleanText } = failed;
	const decision = budget.decide(failure, idempotent);
	if (!decision.retry) throw finalError.call(this, sending, failed, budget, decision);
	const what =
		failure.kind === 'status'
			? `Glean answered ${failure.statusCode}${gleanText ? ` (${firstLine(gleanText)})` : ''}`
			: `the connection to Glean failed (${failure.code ?? 'unknown error'})`;
	this.logger.warn(
		`Glean Chat: ${what} for item ${itemIndex}; trying again in ${seconds(decision.waitMillis)} (attempt ${budget.attempts + 1} of ${budget.policy.maxAttempts})`,
		{ itemIndex, statusCode: failure.kind === 'status' ? failure.statusCode : undefined },
	);
	if (failure.kind === 'status' && (failure.statusCode === 429 || failure.statusCode === 503)) {
		// Glean is rate limiting or overloaded: every request of this run for the same user
		// waits, so parallel items do not turn one 429 into a storm (waitForSharedPause).
		backoff.backOff(decision.waitMillis);
		return;
	}
	await retryClock.sleep(decision.waitMillis, cancelSignal);
	cancelSignal.throwIfAborted();
	budget.waitedMillis += decision.waitMillis;
}

/** The error a failure ends the call with: Glean's refusal, silence, or a connection failure. */
function finalError(
	this: IExecuteFunctions,
	{ call, credential, itemIndex, idempotent }: Sending,
	{ failure, response, gleanText, connectionError, idleMillis }: FailedAttempt,
	budget: RetryBudget,
	decision: Extract<RetryDecision, { retry: false }>,
): NodeApiError {
	const note = retriesNote(budget, decision, failure, idempotent);
	const { attempts } = budget;
	const { baseUrl, token, user } = credential;
	if (response) {
		const setup = { endpoint: call.endpoint, actAs: user, notFound: call.notFound };
		return gleanError(this.getNode(), {
			response,
			gleanText,
			token,
			itemIndex,
			note,
			attempts,
			setup,
		});
	}
	if (errorCode(connectionError) === 'ECONNABORTED') {
		return silenceError(this.getNode(), idleMillis, itemIndex, idempotent);
	}
	const error = connectionError;
	return connectionFailure(this.getNode(), { error, baseUrl, token, itemIndex, note, attempts });
}
