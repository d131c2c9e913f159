/**
 * Reads a stream of server-sent events (the `text/event-stream` of Glean's `agents/runs/stream`)
 * as the WHATWG HTML standard defines them (§9.2.6): `field: value` lines, an event dispatched at
 * each blank line, `data` lines joined by "\n", `:` comments (keep-alives) ignored, an event
 * type of `message` unless `event` names another. Chunks may cut a line, a CRLF pair or a
 * multi-byte UTF-8 character anywhere; lines end in LF or CRLF.
 */

export interface ServerSentEvent {
	/** The `event` field, or `message`. */
	event: string;
	/** The `data` lines, joined by "\n". */
	data: string;
	/** The last `id` field seen so far, if any. */
	id?: string;
}

export class ServerSentEventParser {
	private pending: Buffer[] = [];

	private firstLine = true;

	private dataLines: string[] = [];

	private eventType = '';

	private lastId: string | undefined;

	/** Calls `onEvent` for every event completed by `chunk`. */
	push(chunk: Uint8Array, onEvent: (event: ServerSentEvent) => void): void {
		const bytes = Buffer.isBuffer(chunk)
			? chunk
			: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		let start = 0;
		for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
			this.pending.push(bytes.subarray(start, newline));
			const line = Buffer.concat(this.pending).toString('utf8');
			this.pending = [];
			this.line(line.endsWith('\r') ? line.slice(0, -1) : line, onEvent);
			start = newline + 1;
		}
		if (start < bytes.length) this.pending.push(bytes.subarray(start));
	}

	/**
	 * Ends the stream. Returns true when it ended in the middle of a line: the stream broke. An
	 * event whose lines all ended but which no blank line closed is dispatched: the standard drops
	 * it, but Glean's own example of the stream (client_rest.yaml, agents/runs/stream) ends so.
	 */
	end(onEvent: (event: ServerSentEvent) => void): boolean {
		const cutLine = this.pending.some((piece) => piece.length > 0);
		this.pending = [];
		if (cutLine) {
			this.dataLines = [];
			this.eventType = '';
			return true;
		}
		this.dispatch(onEvent);
		return false;
	}

	private line(raw: string, onEvent: (event: ServerSentEvent) => void): void {
		let text = raw;
		if (this.firstLine) {
			this.firstLine = false;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		}
		if (text === '') return this.dispatch(onEvent);
		if (text.startsWith(':')) return;
		const colon = text.indexOf(':');
		const field = colon === -1 ? text : text.slice(0, colon);
		let value = colon === -1 ? '' : text.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'data') this.dataLines.push(value);
		else if (field === 'event') this.eventType = value;
		else if (field === 'id' && !value.includes('\0')) this.lastId = value;
	}

	private dispatch(onEvent: (event: ServerSentEvent) => void): void {
		const dataLines = this.dataLines;
		const event = this.eventType || 'message';
		this.dataLines = [];
		this.eventType = '';
		if (dataLines.length === 0) return;
		onEvent({
			event,
			data: dataLines.join('\n'),
			...(this.lastId !== undefined ? { id: this.lastId } : {}),
		});
	}
}
