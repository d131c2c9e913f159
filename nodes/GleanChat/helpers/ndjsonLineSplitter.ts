/**
 * Splits a byte stream into text lines. Chunks may cut a line, a CRLF pair or a multi-byte
 * UTF-8 character anywhere. Lines are found in the bytes (a newline byte never occurs inside a
 * UTF-8 character) and each is decoded on its own: JSON.parse is fastest on such short strings,
 * mostly one-byte ones, and work stays linear, since the pieces of a line cut by chunk
 * boundaries are only joined when its newline arrives.
 */
export class NdjsonLineSplitter {
	private pending: Buffer[] = [];

	/** A UTF-8 byte-order mark is not part of the first line (TextDecoder dropped it too). */
	private firstLine = true;

	/** Half of a UTF-16 surrogate pair that ended a text chunk, waiting for its other half. */
	private highSurrogate = '';

	/** Calls `onLine` for every complete, non-blank line in `chunk` (without its line ending). */
	push(chunk: Uint8Array | string, onLine: (line: string) => void): void {
		const bytes = typeof chunk === 'string' ? this.textBytes(chunk) : asBuffer(chunk);
		let start = 0;
		for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
			if (this.pending.length > 0) {
				this.pending.push(bytes.subarray(start, newline));
				this.emit(Buffer.concat(this.pending).toString('utf8'), onLine);
				this.pending = [];
			} else {
				this.emit(bytes.toString('utf8', start, newline), onLine);
			}
			start = newline + 1;
		}
		if (start < bytes.length) this.pending.push(bytes.subarray(start));
	}

	private emit(line: string, onLine: (line: string) => void): void {
		let text = line.endsWith('\r') ? line.slice(0, -1) : line;
		if (this.firstLine && text !== '') {
			this.firstLine = false;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		}
		if (text.trim() !== '') onLine(text);
	}

	private textBytes(text: string): Buffer {
		let whole = this.highSurrogate + text;
		this.highSurrogate = '';
		const last = whole.charCodeAt(whole.length - 1);
		if (last >= 0xd800 && last <= 0xdbff) {
			this.highSurrogate = whole.slice(-1);
			whole = whole.slice(0, -1);
		}
		return Buffer.from(whole, 'utf8');
	}

	/** Flushes the last line, which may lack a newline. */
	end(onLine: (line: string) => void): void {
		if (this.highSurrogate !== '') this.pending.push(Buffer.from(this.highSurrogate, 'utf8'));
		this.highSurrogate = '';
		if (this.pending.length === 0) return;
		const line = Buffer.concat(this.pending).toString('utf8');
		this.pending = [];
		this.emit(line, onLine);
	}
}

/** A Buffer view of the bytes, without copying. */
function asBuffer(chunk: Uint8Array): Buffer {
	return Buffer.isBuffer(chunk)
		? chunk
		: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
