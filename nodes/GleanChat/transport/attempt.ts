import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { bodyText, headerValue, isByteStream, readText } from './body';
import type { CheckedCredential } from './credential';
import { SIGN_IN_CREDENTIAL } from './credential';

import { ClientTimeoutError, Deadline, guardStream, silenceLimit } from './deadline';
import type { StreamGuard } from './deadline';
import { cut } from './gleanAnswers';
import { connectionFailureOf } from './connectionErrors';
import { timeoutError } from './gleanErrors';
import { redact } from './redact';
import type { AttemptFailure } from './retry';
import type { GleanCall, GleanResponse, OnceOnly } from './types';

/**
 * One try of a call to Glean: the request as n8n's authenticated helper sends it, within the
 * client's time limits, and closed at once when the node gives up on it or the execution is
 * cancelled. send.ts decides what happens after.
 */

const API_PATH = '/rest/api/v1';

/** Error bodies are short text; more than this is cut (and not waited for). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** What sending one call needs besides the call itself. */
export interface Sending {
	call: GleanCall;
	options: IHttpRequestOptions;
	credential: CheckedCredential;
	itemIndex: number;
	idempotent: boolean;
	/** What the call does only once, when it is not idempotent. */
	onceOnly: OnceOnly | undefined;
	cancelSignal: AbortSignal;
	/** Set once n8n refreshed the OAuth2 access token for this call (signIn.ts): never twice. */
	refreshed?: boolean;
	/** Set once this call tried again with a token another item's refresh stored (signIn.ts). */
	reused?: boolean;
}

/** How one try failed: what the retry rules decide on, and what the final error quotes. */
export interface FailedAttempt {
	failure: AttemptFailure;
	/** Glean's refusal, for a status failure. */
	response?: GleanResponse<unknown>;
	/** Glean's text, without the token ('' for a connection failure). */
	gleanText: string;
	connectionError?: unknown;
	/** The socket's idle limit this try had. */
	idleMillis: number;
}

/** How one try ended: Glean's `2xx` answer (a stream body guarded by the time limits), or a failure. */
export type AttemptResult = { answer: GleanResponse<unknown> } | FailedAttempt;

/** The request options of `call` (headers, query, no redirects) as n8n's HTTP helper takes them. */
export function requestOptions(
	call: GleanCall,
	{ baseUrl, type }: CheckedCredential,
	mode: Pick<IHttpRequestOptions, 'json' | 'encoding'>,
): IHttpRequestOptions {
	const headers: IDataObject = {};
	const actAs = call.actAs?.trim();
	// Glean takes Act As from global tokens only; a signed-in user acts as themselves.
	if (actAs && type !== SIGN_IN_CREDENTIAL) headers['X-Glean-ActAs'] = actAs;
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
 * One try.
 * @throws NodeApiError when the client's time limit passes before Glean's headers (the request is closed).
 */
export async function attempt(this: IExecuteFunctions, sending: Sending): Promise<AttemptResult> {
	const { call, options, itemIndex, onceOnly, cancelSignal } = sending;
	const deadline = call.timeoutMillis !== undefined ? new Deadline(call.timeoutMillis) : undefined;
	// The socket's idle limit: a backstop behind the deadline, or on its own the longest
	// silence accepted from Glean (n8n's own HTTP default), so no call can hang forever.
	const idleMillis = deadline ? deadline.limitMillis + 1_000 : silenceLimit.millis;
	// Closes this try's request, and the stream of its answer: when the node gives up on it
	// (time limit, a stream abandoned part-way) or the execution is cancelled.
	const { signal, abandon, release } = attemptSignal(cancelSignal);
	const guard: StreamGuard = { deadline, idleMillis, abandon, release };
	const request = this.helpers.httpRequestWithAuthentication.call(
		withCancelSignal(this, signal),
		sending.credential.type,
		{ ...options, timeout: idleMillis, abortSignal: signal },
	) as Promise<GleanResponse<unknown> & { headers?: GleanResponse<unknown>['headers'] }>;
	let response: GleanResponse<unknown>;
	try {
		const raw = deadline ? await deadline.race(request) : await request;
		response = { statusCode: raw.statusCode, headers: raw.headers ?? {}, body: raw.body };
	} catch (error) {
		deadline?.stop();
		if (!(error instanceof ClientTimeoutError)) {
			release();
			return {
				failure: connectionFailureOf(error),
				gleanText: '',
				connectionError: error,
				idleMillis,
			};
		}
		abandon();
		release();
		void request.catch(() => {});
		throw timeoutError(this.getNode(), error, itemIndex, onceOnly);
	}
	if (response.statusCode >= 300) return await refusal(response, sending.credential, guard);
	if (isByteStream(response.body))
		return { answer: { ...response, body: guardStream(response.body, guard) } };
	deadline?.stop();
	release();
	return { answer: response };
}

/** Reads Glean's refusal (so the connection can be reused), within the time limit and a size cap. */
async function refusal(
	response: GleanResponse<unknown>,
	credential: CheckedCredential,
	guard: StreamGuard,
): Promise<FailedAttempt> {
	const body = response.body;
	const text = isByteStream(body)
		? await readText(guardStream(body, guard), MAX_ERROR_BODY_BYTES)
		: await bodyText(body);
	guard.deadline?.stop();
	guard.release?.();
	const retryAfter = headerValue(response.headers, 'retry-after');
	return {
		failure: { kind: 'status', statusCode: response.statusCode, retryAfter },
		response,
		gleanText: redact(cut(text, MAX_ERROR_BODY_BYTES).trim(), credential.secrets),
		idleMillis: guard.idleMillis,
	};
}

/**
 * One try's signal: aborted by the execution's cancel signal, or by `abandon`. Linked by a
 * listener that `release` removes when the try is over (on Node 20, AbortSignal.any keeps each
 * combined signal until the execution's signal goes, about 55 bytes per try).
 */
function attemptSignal(cancelSignal: AbortSignal) {
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
