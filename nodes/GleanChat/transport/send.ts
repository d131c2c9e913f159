import type { IExecuteFunctions, IHttpRequestOptions, NodeApiError } from 'n8n-workflow';

import type { FailedAttempt, Sending } from './attempt';
import { attempt, requestOptions } from './attempt';
import { firstLine } from './body';
import { checkedCredential, SIGN_IN_CREDENTIAL } from './credential';
import { connectionFailure, errorCode } from './connectionErrors';
import { gleanError, paceWaitError, retriesNote, SAVED_CHAT, silenceError } from './gleanErrors';
import { itemPlace } from './itemPlaces';
import { refreshSignIn, signInExpired } from './signIn';
import type { Pace, Turn } from './pace';
import { paceFor } from './pace';
import type { RetryDecision } from './retry';
import {
	BACKOFF_BASE_MILLIS,
	DEFAULT_RETRY_POLICY,
	parseRetryAfter,
	RetryBudget,
	retryClock,
	seconds,
} from './retry';
import type { GleanCall, GleanResponse } from './types';

/**
 * Sending one call to Glean: each try waits its turn at the pace Glean allows the user
 * (pace.ts), runs within the client's time limits (attempt.ts), is tried again as retry.ts
 * decides, and the final failure becomes an n8n error (gleanErrors.ts).
 */

/**
 * Sends `call` and returns Glean's `2xx` answer (a stream body comes guarded by the time limits).
 * @throws NodeOperationError for a credential that cannot work (nothing sent); NodeApiError for
 * Glean's refusal or a connection failure once retries are done or not allowed, for a turn at
 * Glean's pace that would come after the item's wait limit, and for the client's time limits.
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
		options: requestOptions(call, credential, mode),
		credential,
		itemIndex,
		idempotent: call.idempotent !== false,
		onceOnly: call.idempotent === false ? (call.onceOnly ?? SAVED_CHAT) : undefined,
		cancelSignal: this.getExecutionCancelSignal() ?? new AbortController().signal,
	};
	const budget = new RetryBudget(call.retry ?? DEFAULT_RETRY_POLICY);
	const { baseUrl, caller, user } = credential;
	const pace = paceFor({ baseUrl, caller, actAs: user }, call.endpoint);
	const release = pace.hold();
	try {
		return await sendAtPace.call(this, sending, pace, budget);
	} finally {
		release();
	}
}

/** The tries of one call, each at its turn. */
async function sendAtPace(
	this: IExecuteFunctions,
	sending: Sending,
	pace: Pace,
	budget: RetryBudget,
): Promise<GleanResponse<unknown>> {
	for (;;) {
		const turn = await takeTurn.call(this, sending, pace, budget);
		if (!('sentAt' in turn)) throw turn;
		budget.attempts++;
		// A try that ends in a throw (the client's time limit, a cancel) was not judged by Glean.
		const result = await attempt.call(this, sending).catch((error: unknown) => {
			pace.unjudged(turn);
			throw error;
		});
		if ('answer' in result) {
			pace.accepted(turn);
			return result.answer;
		}
		await afterFailure.call(this, sending, result, budget, pace, turn);
	}
}

/**
 * Waits for this try's turn at Glean's pace, counting the wait against the item's retry limit;
 * the error to fail with when the turn would come after that limit.
 */
async function takeTurn(
	this: IExecuteFunctions,
	{ itemIndex, cancelSignal, call }: Sending,
	pace: Pace,
	budget: RetryBudget,
): Promise<Turn | NodeApiError> {
	const left = budget.policy.maxWaitMillis - budget.waitedMillis;
	const turn = await pace.turn(cancelSignal, left, budget.policy.maxPerMinute);
	budget.waitedMillis += turn.waitedMillis;
	if ('sentAt' in turn) return turn;
	return paceWaitError(this.getNode(), {
		waitMillis: turn.tooLongMillis,
		perMinute: turn.perMinute,
		left: turn.leftMillis,
		attempts: budget.attempts,
		itemIndex,
		explicit: call.retry?.maxPerMinute,
		paused: turn.paused,
	});
}

/**
 * Tells the pace how Glean answered, throws the final error when the failure is not tried
 * again, and otherwise logs it and waits.
 */
async function afterFailure(
	this: IExecuteFunctions,
	sending: Sending,
	failed: FailedAttempt,
	budget: RetryBudget,
	pace: Pace,
	turn: Turn,
): Promise<void> {
	const { itemIndex, idempotent, cancelSignal } = sending;
	const { failure, gleanText } = failed;
	if (signInExpired(sending.credential, failure, sending.refreshed === true)) {
		// Refused before Glean acted, and not a judgement of the rate: renew and try at once.
		pace.unjudged(turn);
		const renewed = await refreshSignIn.call(this, sending.credential, {
			itemIndex,
			cancelSignal,
			mayReuse: sending.reused !== true,
		});
		if (renewed === 'reused') sending.reused = true;
		else sending.refreshed = true;
		return;
	}
	const decision = budget.decide(failure, idempotent, sending.onceOnly?.what);
	const refused = failure.kind === 'status' && failure.statusCode === 429;
	if (refused) {
		const told = parseRetryAfter(failure.retryAfter, retryClock.now());
		const wait = decision.retry ? decision.waitMillis : (told ?? BACKOFF_BASE_MILLIS);
		pace.refused(turn, wait);
	} else if (failure.kind === 'status' && failure.statusCode < 500) {
		pace.accepted(turn);
	} else {
		pace.unjudged(turn);
	}
	if (!decision.retry) throw finalError.call(this, sending, failed, budget, decision);
	const what =
		failure.kind === 'status'
			? `Glean answered ${failure.statusCode}${gleanText ? ` (${firstLine(gleanText)})` : ''}`
			: `the connection to Glean failed (${failure.code ?? 'unknown error'})`;
	this.logger.warn(
		`Glean Chat: ${what} for item ${itemIndex}; trying again in ${seconds(decision.waitMillis)} (attempt ${budget.attempts + 1} of ${budget.policy.maxAttempts})`,
		{ itemIndex, statusCode: failure.kind === 'status' ? failure.statusCode : undefined },
	);
	if (failure.kind === 'status' && failure.statusCode === 503) {
		// Glean is overloaded: every request for the same user waits, so parallel items do not
		// turn one 503 into a storm.
		pace.pause(decision.waitMillis);
	}
	// Meanwhile the next item may go in this one's place (at Glean's pace), if this call changes
	// nothing at Glean: then going on past it changes nothing either, should it fail in the end.
	const place = changesNothing(sending.call) ? itemPlace(this, itemIndex) : undefined;
	const lent = place?.lend() ?? false;
	await retryClock.sleep(decision.waitMillis, cancelSignal);
	cancelSignal.throwIfAborted();
	budget.waitedMillis += decision.waitMillis;
	if (lent) await place!.takeBack();
}

/** The error a failure ends the call with: Glean's refusal, silence, or a connection failure. */
function finalError(
	this: IExecuteFunctions,
	{ call, credential, itemIndex, onceOnly }: Sending,
	{ failure, response, gleanText, connectionError, idleMillis }: FailedAttempt,
	budget: RetryBudget,
	decision: Extract<RetryDecision, { retry: false }>,
): NodeApiError {
	const note = retriesNote(budget, decision, failure, onceOnly);
	const { attempts } = budget;
	const { baseUrl, secrets: token, user } = credential;
	if (response) {
		const setup = {
			endpoint: call.endpoint,
			actAs: user,
			notFound: call.notFound,
			signedIn: credential.type === SIGN_IN_CREDENTIAL,
		};
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
		return silenceError(this.getNode(), idleMillis, itemIndex, onceOnly);
	}
	const error = connectionError;
	return connectionFailure(this.getNode(), { error, baseUrl, token, itemIndex, note, attempts });
}

/** Calls that only read: a question not saved to a chat, listing and reading chats and files. */
function changesNothing(call: GleanCall): boolean {
	if (call.endpoint === 'chat') return call.idempotent !== false;
	return call.method === 'GET' || READING.has(call.endpoint);
}

const READING = new Set([
	'listchats',
	'getchat',
	'getchatfiles',
	'getchatapplication',
	'agents/search',
]);
