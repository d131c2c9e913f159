import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { bodyText, firstLine, headerValue, isByteStream, readText } from './body';
import type { CheckedCredential } from './credential';
import { checkedCredential, CREDENTIAL_TYPE } from './credential';
import { ClientTimeoutError, Deadline, guardStream, silenceLimit } from './deadline';
import { cut } from './gleanAnswers';
import {
	connectionFailure,
	connectionFailureOf,
	errorCode,
	gleanError,
	retriesNote,
	sharedPauseError,
	silenceError,
	timeoutError,
} from './gleanErrors';
import { redact } from './redact';
import type { AttemptFailure } from './retry';
import { DEFAULT_RETRY_POLICY, RetryBudget, retryClock, seconds } from './retry';
import type { SharedBackoff } from './sharedBackoff';
import { sharedBackoff } from './sharedBackoff';
import type { GleanCall, GleanResponse } from './types';

/**
 * Sending one call to Glean: through n8n's authenticated request helper, within the client's
 * time limits (deadline.ts), tried again as retry.ts decides, waiting with the other requests of
 * the run for the same user after a 429 (sharedBackoff.ts), and closed at once when given up.
 */

const API_PATH = '/rest/api/v1';

/** Error bodies are short text; more than this is cut (and not waited for). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** What sending one call needs besides the call itself. */
interface Sending {
	call: GleanCall;
	options: IHttpRequestOptions;
	credential: CheckedCredential;
	itemIndex: number;
	idempotent: boolean;
	cancelSignal: AbortSignal;
}

/** How one attempt ended: Glean's `2xx` answer, or a failure to decide about. */
type AttemptResult =
	| { answer: GleanResponse<unknown> }
	| {
			failure: AttemptFailure;
			response?: GleanResponse<unknown>;
			gleanText: string;
			connectionError?: unknown;
			idleMillis: number;
	  };

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
	const backoff = sharedBackoff(
		this,
		`${credential.baseUrl}\n${credential.token}\n${credential.user}`,
	);
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

function requestOptions(
	call: GleanCall,
	baseUrl: string,
	mode: Pick<IHttpRequestOptions, 'json' | 'encoding'>,
): IHttpRequestOptions {
	const headers: IDataObject = {};
	const actAs = call.actAs?.trim();
	if (actAs) headers['X-Glean-ActAs'] = actAs;
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${baseUrl}${API_PATH}/${call.endpoint}`,
		headers,
		qs: withoutEmptyValues(call.qs),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// Glean's API never redirects; following one would send the question, the files and
		// the Act As user (and, to the same origin, the token) somewhere the user did not set.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		...mode,
	};
	if (call.body !== undefined) options.body = call.body;
	return options;
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

/** One try: the request, within the time limit, closed at once when the node gives up on it. */
async function attempt(
	this: IExecuteFunctions,
	{ call, options, credential, itemIndex, idempotent, cancelSignal }: Sending,
): Promise<AttemptResult> {
	const deadline = call.timeoutMillis !== undefined ? new Deadline(call.timeoutMillis) : undefined;
	// The socket's idle limit: a backstop behind the deadline, or on its own the longest
	// silence accepted from Glean (n8n's own HTTP default), so no call can hang forever.
	const idleMillis = deadline ? deadline.limitMillis + 1_000 : silenceLimit.millis;
	// Closes this attempt's request, and the stream of its answer: when the node gives up on it
	// (time limit, a stream abandoned part-way) or the execution is cancelled.
	const { signal, abandon, release } = attemptSignal(cancelSignal);
	const request = this.helpers.httpRequestWithAuthentication.call(
		withCancelSignal(this, signal),
		CREDENTIAL_TYPE,
		{
			...options,
			timeout: idleMillis,
			abortSignal: signal,
		},
	) as Promise<GleanResponse<unknown> & { headers?: GleanResponse<unknown>['headers'] }>;
	let response: GleanResponse<unknown>;
	try {
		const raw = deadline ? await deadline.race(request) : await request;
		response = { statusCode: raw.statusCode, headers: raw.headers ?? {}, body: raw.body };
	} catch (error) {
		deadline?.stop();
		if (error instanceof ClientTimeoutError) abandon();
		release();
		if (!(error instanceof ClientTimeoutError))
			return {
				failure: connectionFailureOf(error),
				gleanText: '',
				connectionError: error,
				idleMillis,
			};
		void request.catch(() => {});
		throw timeoutError(this.getNode(), error, itemIndex, idempotent);
	}
	if (response.statusCode < 300) {
		if (isByteStream(response.body))
			return {
				answer: {
					...response,
					body: guardStream(response.body, { deadline, idleMillis, abandon, release }),
				},
			};
		deadline?.stop();
		release();
		return { answer: response };
	}
	// Read the refused answer (so the connection can be reused), within the time limit and a size cap.
	const body = response.body;
	const text = isByteStream(body)
		? await readText(
				guardStream(body, { deadline, idleMillis, abandon, release }),
				MAX_ERROR_BODY_BYTES,
			)
		: await bodyText(body);
	deadline?.stop();
	release();
	const gleanText = redact(cut(text, MAX_ERROR_BODY_BYTES).trim(), credential.token);
	return {
		failure: {
			kind: 'status',
			statusCode: response.statusCode,
			retryAfter: headerValue(response.headers, 'retry-after'),
		},
		response,
		gleanText,
		idleMillis,
	};
}

/** Throws the final error when the failure is not tried again; otherwise logs it and waits. */
async function afterFailure(
	this: IExecuteFunctions,
	{ call, credential, itemIndex, idempotent, cancelSignal }: Sending,
	{
		failure,
		response,
		gleanText,
		connectionError,
		idleMillis,
	}: Exclude<AttemptResult, { answer: GleanResponse<unknown> }>,
	budget: RetryBudget,
	backoff: SharedBackoff,
): Promise<void> {
	const decision = budget.decide(failure, idempotent);
	if (!decision.retry) {
		const note = retriesNote(budget, decision, failure, idempotent);
		const { attempts } = budget;
		const { baseUrl, token, user } = credential;
		if (response)
			throw gleanError(this.getNode(), {
				response,
				gleanText,
				token,
				itemIndex,
				note,
				attempts,
				setup: { endpoint: call.endpoint, actAs: user, notFound: call.notFound },
			});
		if (errorCode(connectionError) === 'ECONNABORTED')
			throw silenceError(this.getNode(), idleMillis, itemIndex, idempotent);
		throw connectionFailure(this.getNode(), {
			error: connectionError,
			baseUrl,
			token,
			itemIndex,
			note,
			attempts,
		});
	}
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

/**
 * One attempt's signal: aborted by the execution's cancel signal, or by `abandon`. Linked by a
 * listener that `release` removes when the attempt is over (on Node 20, AbortSignal.any keeps
 * each combined signal until the execution's signal goes, about 55 bytes per attempt).
 */
function attemptSignal(cancelSignal: AbortSignal): {
	signal: AbortSignal;
	abandon: () => void;
	release: () => void;
} {
	const controller = new AbortController();
	const onCancel = () => controller.abort(cancelSignal.reason);
	if (cancelSignal.aborted) onCancel();
	else cancelSignal.addEventListener('abort', onCancel, { once: true });
	return {
		signal: controller.signal,
		abandon: () => controller.abort(),
		release: () => cancelSignal.removeEventListener('abort', onCancel),
	};
}

/**
 * The node's context as n8n's request helper sees it, with `signal` as the execution's cancel
 * signal. n8n-core 2.x replaces a request's `abortSignal` with `this.getExecutionCancelSignal()`
 * (httpRequestWithAuthentication), so a signal of the node's own reaches the request only this
 * way; the option is set too, for n8n versions that keep it.
 */
function withCancelSignal(context: IExecuteFunctions, signal: AbortSignal): IExecuteFunctions {
	return Object.create(context, {
		getExecutionCancelSignal: { value: () => signal },
	}) as IExecuteFunctions;
}

function withoutEmptyValues(qs: IDataObject | undefined): IDataObject | undefined {
	if (!qs) return undefined;
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(qs)) {
		if (value !== undefined && value !== null && value !== '') result[key] = value;
	}
	return Object.keys(result).length > 0 ? result : undefined;
}
