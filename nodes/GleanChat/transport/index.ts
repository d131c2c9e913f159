import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { GleanAnswerShape } from '../helpers/gleanShapes';
import { answerProblem, EMPTY_RESPONSE } from '../helpers/gleanShapes';
import { baseUrlProblem, normalizeBaseUrl } from './baseUrl';
import { ClientTimeoutError, Deadline, guardStream, SilenceError, silenceLimit } from './deadline';
import { checkedAnswer, cut } from './gleanAnswers';
import type { AttemptFailure, RetryDecision, RetryPolicy } from './retry';
import { redact } from './redact';
import { DEFAULT_RETRY_POLICY, mayHaveReachedGlean, neverReachedGlean, RetryBudget, retryClock, seconds } from './retry';
import type { SharedBackoff } from './sharedBackoff';
import { sharedBackoff } from './sharedBackoff';
import { ACT_AS_HINT, BASE_URL_HINT, SCOPE_HINT, TOKEN_EXPIRED_HINT, TOKEN_REJECTED_HINT } from './setupHints';

export { ClientTimeoutError, SilenceError } from './deadline';
export { checkedAnswer, notGleanAnswerError } from './gleanAnswers';
export { BASE_URL_HINT } from './setupHints';
export { redact, redactDeep, StreamRedactor } from './redact';
export type { RetryPolicy } from './retry';
export { DEFAULT_RETRY_POLICY } from './retry';

/**
 * The only code that talks HTTP to Glean. It checks the credential, builds URLs and headers,
 * sends through n8n's authenticated request helper (which also wires the execution's cancel
 * signal), tries again when Glean is busy (retry.ts decides), enforces the client's time limit
 * (deadline.ts), and turns every failed response into a NodeApiError that carries Glean's own
 * text, a hint, what the retries did, and never the API token.
 */

export const CREDENTIAL_TYPE = 'gleanChatApi';


const API_PATH = '/rest/api/v1';

export type ByteStream = AsyncIterable<Uint8Array>;

export interface GleanCall {
	method: IHttpRequestMethods;
	/** Path under /rest/api/v1, e.g. `chat` or `chat-files/FILE_1`. */
	endpoint: string;
	/** JSON, or multipart form data (global FormData) for file uploads. */
	body?: IDataObject | FormData;
	/** `timezoneOffset`, `locale` and other query parameters; empty values are dropped. */
	qs?: IDataObject;
	/** Overrides the credential's Act As for this call. */
	actAs?: string;
	/** How often to try again when Glean is busy or unreachable (default: DEFAULT_RETRY_POLICY). */
	retry?: RetryPolicy;
	/**
	 * False when running the call twice could do its work twice (a message saved to a chat):
	 * then only 429 and 503, which Glean refuses before acting, are tried again.
	 */
	idempotent?: boolean;
	/** The `timeoutMillis` sent to Glean: the client gives up a little after it. */
	timeoutMillis?: number;
	/**
	 * What a 404 means for this call, e.g. that Glean does not know a chat ID. Without it a 404
	 * means no Glean API answered at the Base URL.
	 */
	notFound?: string;
}

export interface GleanResponse<Body> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: Body;
}

/**
 * A JSON call whose `2xx` answer must be `shape` (or `shape(statusCode)`): the body is the parsed
 * object, or undefined for an empty body where the shape allows one. Every call throws Glean's
 * non-2xx answers as NodeApiErrors, and a body that is not Glean's as one that says so.
 */
export async function gleanApiRequest(
	this: IExecuteFunctions,
	call: GleanCall,
	shape: GleanAnswerShape | ((statusCode: number) => GleanAnswerShape),
	itemIndex: number,
): Promise<GleanResponse<Record<string, unknown> | undefined>> {
	// As text: the body is parsed here, so a page or a proxy's "OK" is seen for what it is.
	const response = await send.call(this, call, itemIndex, { json: true, encoding: 'text' });
	const text = await bodyText(response.body);
	const { statusCode } = response;
	const expected = typeof shape === 'function' ? shape(statusCode) : shape;
	const token = await itemToken.call(this, itemIndex);
	return { ...response, body: checkedAnswer(this.getNode(), itemIndex, { endpoint: call.endpoint, statusCode, text, shape: expected, token }) };
}

/** A call whose answer is raw bytes (a file download). */
export async function gleanApiBinaryRequest(
	this: IExecuteFunctions,
	call: GleanCall,
	itemIndex: number,
): Promise<GleanResponse<Buffer>> {
	const response = await send.call(this, call, itemIndex, { encoding: 'arraybuffer' });
	const body = response.body;
	const bytes = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer || ArrayBuffer.isView(body)
			? Buffer.from(body as ArrayBuffer)
			: Buffer.from(typeof body === 'string' ? body : '');
	return { ...response, body: bytes };
}

/**
 * A streamed call: the body is handed over unread as soon as Glean's headers arrive, so the
 * caller can act on each chunk.
 */
export async function gleanApiStreamRequest(
	this: IExecuteFunctions,
	call: GleanCall,
	itemIndex: number,
): Promise<GleanResponse<ByteStream>> {
	const response = await send.call(this, call, itemIndex, { encoding: 'stream' });
	if (!isByteStream(response.body)) {
		throw new NodeApiError(this.getNode(), { httpCode: String(response.statusCode) } as JsonObject, {
			message: 'Glean answered, but the answer could not be read as a stream',
			itemIndex,
		});
	}
	return response as GleanResponse<ByteStream>;
}

/** Reads a byte stream as UTF-8 text, up to `maxBytes` (then stops reading and marks the cut with …). */
export async function readText(stream: ByteStream, maxBytes = Infinity): Promise<string> {
	const decoder = new TextDecoder('utf-8');
	const parts: string[] = [];
	let bytes = 0;
	for await (const chunk of stream) {
		if (bytes + chunk.length > maxBytes) {
			parts.push(decoder.decode(chunk.subarray(0, maxBytes - bytes), { stream: true }), '…');
			break;
		}
		bytes += chunk.length;
		parts.push(decoder.decode(chunk, { stream: true }));
	}
	parts.push(decoder.decode());
	return parts.join('');
}

/** The header of a response, whatever its case. */
export function headerValue(
	headers: GleanResponse<unknown>['headers'],
	name: string,
): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(', ') : value;
	}
	return undefined;
}

async function send(
	this: IExecuteFunctions,
	call: GleanCall,
	itemIndex: number,
	mode: Pick<IHttpRequestOptions, 'json' | 'encoding'>,
): Promise<GleanResponse<unknown>> {
	const { baseUrl, token, user } = await checkedCredentials.call(this, call, itemIndex);
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

	const idempotent = call.idempotent !== false;
	const budget = new RetryBudget(call.retry ?? DEFAULT_RETRY_POLICY);
	const backoff = sharedBackoff(this, `${baseUrl}\n${token}\n${user}`);
	const cancelSignal = this.getExecutionCancelSignal() ?? new AbortController().signal;
	backoff.enter();
	try {
		return await sendWithRetries.call(this, { call, options, itemIndex, baseUrl, token, user, budget, idempotent, backoff, cancelSignal });
	} finally {
		backoff.leave();
	}
}

interface SendState {
	call: GleanCall;
	options: IHttpRequestOptions;
	itemIndex: number;
	baseUrl: string;
	token: string;
	/** The Act As user sent, or '' */
	user: string;
	budget: RetryBudget;
	idempotent: boolean;
	backoff: SharedBackoff;
	cancelSignal: AbortSignal;
}

async function sendWithRetries(
	this: IExecuteFunctions,
	{ call, options, itemIndex, baseUrl, token, user, budget, idempotent, backoff, cancelSignal }: SendState,
): Promise<GleanResponse<unknown>> {
	for (;;) {
		// This request, or another of the run for the same user, was told to back off: wait,
		// and count the wait against this item's retry limit.
		const pause = backoff.delay();
		if (pause > 0) {
			const left = budget.policy.maxWaitMillis - budget.waitedMillis;
			if (pause > left) throw sharedPauseError(this.getNode(), pause, left, budget, itemIndex);
			await retryClock.sleep(pause, cancelSignal);
			// Also when an older n8n's sleep ignores the signal: a cancelled execution sends nothing more.
			cancelSignal.throwIfAborted();
			budget.waitedMillis += pause;
		}
		budget.attempts++;
		const deadline = call.timeoutMillis !== undefined ? new Deadline(call.timeoutMillis) : undefined;
		// The socket's idle limit: a backstop behind the deadline, or on its own the longest
		// silence accepted from Glean (n8n's own HTTP default), so no call can hang forever.
		options.timeout = deadline ? deadline.limitMillis + 1_000 : silenceLimit.millis;
		let response: GleanResponse<unknown> | undefined;
		let failure: AttemptFailure;
		let connectionError: unknown;
		// Closes this attempt's request, and the stream of its answer, at once: when the node gives
		// up on it (time limit, a stream abandoned part-way) or the execution is cancelled.
		const attempt = new AbortController();
		const signal = AbortSignal.any([cancelSignal, attempt.signal]);
		const abandon = () => attempt.abort();
		const request = this.helpers.httpRequestWithAuthentication.call(withCancelSignal(this, signal), CREDENTIAL_TYPE, {
			...options,
			abortSignal: signal,
		}) as Promise<{
			statusCode: number;
			headers?: GleanResponse<unknown>['headers'];
			body: unknown;
		}>;
		try {
			const raw = deadline ? await deadline.race(request) : await request;
			response = { statusCode: raw.statusCode, headers: raw.headers ?? {}, body: raw.body };
		} catch (error) {
			deadline?.stop();
			if (error instanceof ClientTimeoutError) {
				abandon();
				void request.catch(() => {});
				throw timeoutError(this.getNode(), error, itemIndex, idempotent);
			}
			connectionError = error;
		}
		let gleanText = '';
		if (response) {
			if (response.statusCode < 300) {
				if (isByteStream(response.body)) {
					return { ...response, body: guardStream(response.body, { deadline, idleMillis: options.timeout, abandon }) };
				}
				deadline?.stop();
				return response;
			}
			// Read the refused answer (so the connection can be reused), within the time limit and a size cap.
			gleanText = redact((await errorBodyText(response.body, deadline, options.timeout, abandon)).trim(), token);
			deadline?.stop();
			failure = { kind: 'status', statusCode: response.statusCode, retryAfter: headerValue(response.headers, 'retry-after') };
		} else {
			failure = { kind: 'connection', code: errorCode(connectionError) };
		}

		const decision = budget.decide(failure, idempotent);
		if (!decision.retry) {
			const note = retryNote(budget, decision, failure, idempotent);
			if (response) {
				throw gleanError(this.getNode(), response, gleanText, token, itemIndex, note, budget.attempts, { endpoint: call.endpoint, actAs: user, notFound: call.notFound });
			}
			if (errorCode(connectionError) === 'ECONNABORTED') {
				throw silenceError(this.getNode(), options.timeout ?? silenceLimit.millis, itemIndex, idempotent);
			}
			throw connectionFailure(this.getNode(), connectionError, baseUrl, token, itemIndex, note, budget.attempts);
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
			// waits, so parallel items do not turn one 429 into a storm. The wait is at the loop's top.
			backoff.backOff(decision.waitMillis);
		} else {
			await retryClock.sleep(decision.waitMillis, cancelSignal);
			cancelSignal.throwIfAborted();
			budget.waitedMillis += decision.waitMillis;
		}
	}
}

/** The run's shared pause is longer than what this item may still wait. */
function sharedPauseError(node: INode, pause: number, left: number, budget: RetryBudget, itemIndex: number): NodeApiError {
	const message = `Glean is rate limiting these requests: the next try would be in ${seconds(pause)}, more than the ${seconds(Math.max(0, left))} left of this item's retry wait limit`;
	return new NodeApiError(node, { message, httpCode: '429' } as JsonObject, {
		message: budget.attempts > 0 ? `${message} (after ${budget.attempts} attempts)` : message,
		description:
			'Glean answered 429 (or 503) to a request of this node run for the same user, and all of them wait it out together. Raise "Max Total Wait" in the node\'s "Retry" option, lower "Concurrency", or run the workflow later.',
		httpCode: '429',
		itemIndex,
	});
}

/** Error bodies are short text; more than this is cut (and not waited for). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

async function errorBodyText(body: unknown, deadline: Deadline | undefined, idleMillis: number | undefined, abandon: () => void): Promise<string> {
	if (isByteStream(body)) {
		return await readText(guardStream(body, { deadline, idleMillis: idleMillis ?? silenceLimit.millis, abandon }), MAX_ERROR_BODY_BYTES);
	}
	const text = await bodyText(body);
	return text.length > MAX_ERROR_BODY_BYTES ? `${text.slice(0, MAX_ERROR_BODY_BYTES)}…` : text;
}

/**
 * The node's context as n8n's request helper sees it, with `signal` as the execution's cancel
 * signal. n8n-core 2.x replaces a request's `abortSignal` with `this.getExecutionCancelSignal()`
 * (httpRequestWithAuthentication), so a signal of the node's own reaches the request only this
 * way; the option is set too, for n8n versions that keep it.
 */
function withCancelSignal(context: IExecuteFunctions, signal: AbortSignal): IExecuteFunctions {
	return Object.create(context, { getExecutionCancelSignal: { value: () => signal } }) as IExecuteFunctions;
}

/** The credential's Base URL and token, refused before any request when they cannot be right. */
async function checkedCredentials(
	this: IExecuteFunctions,
	call: GleanCall,
	itemIndex: number,
): Promise<{ baseUrl: string; token: string; user: string }> {
	const credentials = await itemCredentials.call(this, itemIndex);
	const node = this.getNode();
	const rawBaseUrl = String(credentials.baseUrl ?? '').trim();
	if (rawBaseUrl === '') {
		throw new NodeOperationError(node, `Item ${itemIndex}: the Glean Chat API credential has no Base URL`, {
			itemIndex,
			description: 'Open the credential and fill "Base URL" with your Glean API host, e.g. https://acme-be.glean.com. Nothing was sent to Glean.',
		});
	}
	const baseUrl = normalizeBaseUrl(rawBaseUrl);
	const problem = baseUrlProblem(baseUrl);
	if (problem !== undefined) {
		// Quoted without any user name and password it may hold.
		const shown = rawBaseUrl.replace(/\/\/[^/@]*@/, '//…@');
		throw new NodeOperationError(node, `Item ${itemIndex}: the credential's Base URL "${shown}" cannot be used: ${problem}`, {
			itemIndex,
			description: `${BASE_URL_HINT} Nothing was sent to Glean.`,
		});
	}
	const credentialActAs = String(credentials.actAs ?? '').trim();
	if (credentialActAs !== '' && !isEmailAddress(credentialActAs)) {
		throw new NodeOperationError(node, `Item ${itemIndex}: the credential's "Act As" is not an e-mail address`, {
			itemIndex,
			description: `Glean acts for a user named by e-mail, e.g. name@example.com; the credential has "${credentialActAs}". Fix it or leave it empty. Nothing was sent to Glean.`,
		});
	}
	const actAs = call.actAs?.trim() ?? '';
	if (actAs !== '' && !isEmailAddress(actAs)) {
		throw new NodeOperationError(node, `Item ${itemIndex}: the "Act As" option is not an e-mail address`, {
			itemIndex,
			description: `Glean acts for a user named by e-mail, e.g. name@example.com; this item has "${actAs}". Fix the option (or its expression) or remove it. Nothing was sent to Glean.`,
		});
	}
	// Glean's rate limits count per user: the Act As user when there is one.
	return { baseUrl, token: String(credentials.apiToken ?? ''), user: actAs || credentialActAs };
}

export function isEmailAddress(text: string): boolean {
	return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
}

function errorCode(error: unknown): string | undefined {
	for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

const SAVED_CHAT_NOTE =
	'Not tried again: this message is saved to a chat, and Glean may already have stored it, so sending it again could post the question twice. Check the chat in Glean before running the item again.';

/** What the retries did, and why a saved message was not repeated, for the final error's description. */
function retryNote(
	budget: RetryBudget,
	decision: Extract<RetryDecision, { retry: false }>,
	failure: AttemptFailure,
	idempotent: boolean,
): string {
	const parts: string[] = [];
	if (budget.attempts > 1 || decision.limited) {
		parts.push(
			`The node tried ${budget.attempts} time(s), waiting ${seconds(budget.waitedMillis)} in all, and stopped: ${decision.why}. The retry limits are in the node's "Retry" option.`,
		);
	}
	if (!idempotent && mayHaveReachedGlean(failure)) parts.push(SAVED_CHAT_NOTE);
	return parts.join('\n\n');
}

function timeoutError(node: INode, error: ClientTimeoutError, itemIndex: number, idempotent: boolean): NodeApiError {
	return new NodeApiError(node, { message: error.message } as JsonObject, {
		message: error.message,
		description: [
			'Glean did not answer in time, so the node stopped waiting. Raise "Timeout (Ms)" in the node\'s options or use a faster agent.',
			idempotent ? '' : SAVED_CHAT_NOTE,
		]
			.filter((part) => part !== '')
			.join('\n\n'),
		itemIndex,
	});
}

/** The socket stayed silent past its idle limit (the HTTP client's ECONNABORTED). */
function silenceError(node: INode, idleMillis: number, itemIndex: number, idempotent: boolean): NodeApiError {
	const { message } = new SilenceError(idleMillis);
	return new NodeApiError(node, { message } as JsonObject, {
		message,
		description: [
			'Glean may be overloaded, or a proxy holds the connection. Run the item again later; to wait a different time, set "Timeout (Ms)" in the node\'s options (Send Message).',
			idempotent ? '' : SAVED_CHAT_NOTE,
		]
			.filter((part) => part !== '')
			.join('\n\n'),
		itemIndex,
	});
}

/** What a connection error code means, in words (n8n's own text suggests retrying, which is not always safe). */
function connectionProblem(code: string | undefined): { reached: boolean; reason: string } | undefined {
	const reason = ((): string | undefined => {
		switch (code) {
			case 'ECONNREFUSED':
				return 'the connection was refused';
			case 'ENOTFOUND':
				return 'the host name was not found';
			case 'EAI_AGAIN':
				return 'the host name could not be looked up right now';
			case 'ETIMEDOUT':
				return 'the connection timed out';
			case 'ENETUNREACH':
			case 'EHOSTUNREACH':
			case 'ENETDOWN':
			case 'EHOSTDOWN':
				return 'the network cannot reach the host';
			case 'EPROTO':
				return 'the TLS handshake failed (is the host serving HTTPS?)';
			case 'ECONNRESET':
			case 'EPIPE':
			case 'UND_ERR_SOCKET':
				return 'the connection was closed before Glean answered';
			default:
				return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS|^ERR_SSL/.test(code)
					? `its TLS certificate was not accepted (${code})`
					: undefined;
		}
	})();
	return reason === undefined ? undefined : { reached: !neverReachedGlean(code), reason };
}

/** A connection failure rebuilt from its code or message alone, so no request configuration (and with it the Authorization header) travels along. */
function connectionFailure(
	node: INode,
	error: unknown,
	baseUrl: string,
	token: string,
	itemIndex: number,
	note: string,
	attempts: number,
): NodeApiError {
	const known = connectionProblem(errorCode(error));
	const reason = known?.reason ?? redact(error instanceof Error ? error.message : String(error), token);
	const where = known?.reached ? `The connection to Glean at ${baseUrl} failed` : `Could not reach Glean at ${baseUrl}`;
	return new NodeApiError(node, { message: reason } as JsonObject, {
		message: `${where}: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`,
		description: [
			known?.reached
				? 'Glean or a proxy in between closed the connection. If it keeps happening, check proxies and firewalls between n8n and Glean.'
				: `Check that this n8n instance can reach that host (proxies, firewalls, DNS). ${BASE_URL_HINT}`,
			note,
		]
			.filter((part) => part !== '')
			.join('\n\n'),
		itemIndex,
	});
}

function gleanError(
	node: INode,
	response: GleanResponse<unknown>,
	gleanText: string,
	token: string,
	itemIndex: number,
	retryNote: string,
	attempts: number,
	setup: HintContext,
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
	const hint = errorHint(statusCode, gleanText, setup);
	const after = attempts > 1 ? ` (after ${attempts} attempts)` : '';
	// Glean's errors are short plain text: a web page came from something else, and is quoted only in part.
	const page = gleanText.startsWith('<') ? answerProblem(gleanText, EMPTY_RESPONSE) : undefined;
	const message =
		page !== undefined
			? `The answer to ${setup.endpoint} was not Glean's: ${statusCode} with ${page}${after}`
			: `Glean answered ${statusCode}${gleanText === '' ? '' : `: ${firstLine(gleanText)}`}${after}`;
	return new NodeApiError(
		node,
		{ httpCode: String(statusCode), body: gleanText } as JsonObject,
		{
			message,
			description: [hint, retryNote, gleanText === '' ? '' : page !== undefined ? `It began with: ${cut(gleanText, 300)}` : `Glean's full answer: ${gleanText}`]
				.filter((part) => part !== '')
				.join('\n\n'),
			httpCode: String(statusCode),
			itemIndex,
		},
	);
}

/** Glean's one JSON error: AccessRequestPermissionDeniedResponse (getchat's 403). */
function permissionDenied(text: string): { owner?: string; roles: string[]; pending: boolean } | undefined {
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

/** What a failing call was about, for the hint: its endpoint, the Act As user sent ('' for none), and what its 404 means. */
interface HintContext {
	endpoint: string;
	actAs: string;
	notFound?: string;
}

/** What to do about Glean's refusal; setup causes first, worded as in setupHints.ts. */
function errorHint(statusCode: number, gleanText: string, { actAs, notFound }: HintContext): string {
	// Glean's errors are short plain text (or getchat's JSON 403): a page means something else answered.
	if (gleanText.startsWith('<')) {
		return `Something other than Glean's API answered (a proxy, a sign-in gateway, or the web app). ${BASE_URL_HINT}`;
	}
	if (statusCode === 400 && /X-Glean-ActAs/i.test(gleanText)) return `This is a global token, so Glean needs to know which user to act for. ${ACT_AS_HINT}`;
	switch (statusCode) {
		case 400:
			if (/^(bad request\.?)?$/i.test(gleanText.trim())) {
				return actAs === ''
					? `Glean gave no reason. The usual cause is a global token without Act As. ${ACT_AS_HINT} Otherwise check that the Base URL is Glean's API host, then the node's parameters.`
					: `Glean gave no reason. Check that the Act As user (${actAs}) exists in Glean and that the Base URL is Glean's API host, then the node's parameters.`;
			}
			return 'Glean rejected the request. Check the node\'s parameters against Glean\'s message above.';
		case 401:
			return `Glean did not accept the API token. ${/expired/i.test(gleanText) ? TOKEN_EXPIRED_HINT : TOKEN_REJECTED_HINT}`;
		case 403:
			return `The token is valid but not allowed to do this. ${SCOPE_HINT}`;
		case 404:
			return notFound ?? `No Glean API answered at this address. ${BASE_URL_HINT}`;
		case 405:
			return `This is not Glean's API: it does not take this request. ${BASE_URL_HINT}`;
		case 408:
			return 'Glean took longer than the request\'s timeout. Raise "Timeout (Ms)" in the node\'s options or use a faster agent.';
		case 429:
			return 'Glean\'s rate limit was reached (chat allows about one request every two seconds per user). Wait and run again, or send fewer items at once.';
		default:
			return statusCode >= 500
				? 'Glean had a problem answering. Try again later; if it persists, contact your Glean administrator.'
				: '';
	}
}

async function bodyText(body: unknown): Promise<string> {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (isByteStream(body)) return await readText(body);
	if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new TextDecoder('utf-8').decode(body);
	return JSON.stringify(body);
}

function isByteStream(value: unknown): value is ByteStream {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as Partial<ByteStream>)[Symbol.asyncIterator] === 'function'
	);
}

const credentialsByRun = new WeakMap<IExecuteFunctions, Map<number, Promise<ICredentialDataDecryptedObject>>>();

/**
 * The item's credential, read once per item of a node run: the transport, the operation and
 * the router all need it, and in n8n every read decrypts it again.
 */
async function itemCredentials(this: IExecuteFunctions, itemIndex: number): Promise<ICredentialDataDecryptedObject> {
	let byItem = credentialsByRun.get(this);
	if (!byItem) credentialsByRun.set(this, (byItem = new Map()));
	let credentials = byItem.get(itemIndex);
	if (!credentials) byItem.set(itemIndex, (credentials = this.getCredentials(CREDENTIAL_TYPE, itemIndex)));
	return await credentials;
}

/** The API token of the item's credential ('' when there is none), to redact what users see. */
export async function itemToken(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	try {
		const credentials = await itemCredentials.call(this, itemIndex);
		return String(credentials.apiToken ?? '');
	} catch {
		// No usable credential: nothing was sent with one, so there is nothing to hide.
		return '';
	}
}

/** `redact` with the token of the item's credential, for text an operation shows to users. */
export async function redactSecrets(this: IExecuteFunctions, itemIndex: number, text: string): Promise<string> {
	return redact(text, await itemToken.call(this, itemIndex));
}

function firstLine(text: string): string {
	const line = text.split('\n')[0].trim();
	return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function withoutEmptyValues(qs: IDataObject | undefined): IDataObject | undefined {
	if (!qs) return undefined;
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(qs)) {
		if (value !== undefined && value !== null && value !== '') result[key] = value;
	}
	return Object.keys(result).length > 0 ? result : undefined;
}
