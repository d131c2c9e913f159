import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { apiError } from './nodeErrors';
import type { GleanAnswerShape } from '../helpers/gleanShapes';
import { bodyText, isByteStream } from './body';
import { itemSecrets } from './credential';
import { checkedAnswer } from './gleanAnswers';
import { send } from './send';
import type { ByteStream, GleanCall, GleanResponse } from './types';

/**
 * The transport: all the operations use of Glean's HTTP API, and the only way to it: three kinds of call
 * (JSON, bytes, a stream), each sent by send.ts (credential checks, retries, time limits,
 * closing what is given up), Glean's failures made into n8n errors by gleanErrors.ts, and
 * Glean's `2xx` JSON checked against the shape the operation names (gleanAnswers.ts).
 */

export type { ByteStream, GleanCall, GleanResponse, ItemPlace, OnceOnly } from './types';
export { withItemPlaces } from './itemPlaces';
export type { RetryPolicy } from './retry';
export { DEFAULT_RETRY_POLICY } from './retry';
export { headerValue, readText } from './body';
export { itemSecrets } from './credential';
export { apiError, operationError } from './nodeErrors';
export { ClientTimeoutError, SilenceError } from './deadline';
export { checkedAnswer, cut, notGleanAnswerError } from './gleanAnswers';
export { redact, redactDeep, StreamRedactor } from './redact';
export type { Secrets } from './redact';
export { BASE_URL_HINT } from './setupHints';
export { lookupContext } from './editorLookups';

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
	const token = await itemSecrets.call(this, itemIndex);
	return {
		...response,
		body: checkedAnswer(this.getNode(), itemIndex, {
			endpoint: call.endpoint,
			statusCode,
			text,
			shape: expected,
			token,
		}),
	};
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
 * caller can act on each chunk. Reading it fails once the call's time limits pass; stopping
 * early (`return()` on its iterator) closes the request.
 */
export async function gleanApiStreamRequest(
	this: IExecuteFunctions,
	call: GleanCall,
	itemIndex: number,
): Promise<GleanResponse<ByteStream>> {
	const response = await send.call(this, call, itemIndex, { encoding: 'stream' });
	if (!isByteStream(response.body)) {
		throw apiError(this.getNode(), { httpCode: String(response.statusCode) } as JsonObject, {
			message: 'Glean answered, but the answer could not be read as a stream',
			itemIndex,
		});
	}
	return response as GleanResponse<ByteStream>;
}
