import type { ByteStream, GleanResponse } from './types';

/** Reading what Glean sent: bodies of every kind n8n's HTTP client hands over, and headers. */

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

/** A body as text, whatever n8n handed over: nothing, a string, a stream, bytes, or parsed JSON. */
export async function bodyText(body: unknown): Promise<string> {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (isByteStream(body)) return await readText(body);
	if (body instanceof Uint8Array || body instanceof ArrayBuffer)
		return new TextDecoder('utf-8').decode(body);
	return JSON.stringify(body);
}

export function isByteStream(value: unknown): value is ByteStream {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as Partial<ByteStream>)[Symbol.asyncIterator] === 'function'
	);
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

/** The first line of Glean's text, for an error message (200 characters at most). */
export function firstLine(text: string): string {
	const line = text.split('\n')[0].trim();
	return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
