/**
 * Splits a byte stream into text lines. Chunks may cut a line, a CRLF pair or a multi-byte
 * UTF-8 character anywhere. Work is linear in the input: each byte is decoded once, and the
 * pieces of an unfinished line are only joined when its newline arrives.
 */
export class NdjsonLineSplitter {
	private readonly decoder = new TextDecoder('utf-8');

	private pending: string[] = [];

	/** Calls `onLine` for every complete, non-blank line in `chunk` (without its line ending). */
	push(chunk: Uint8Array | string, onLine: (line: string) => void): void {
		const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
		this.scan(text, onLine);
	}

	/** Flushes the decoder and the last line, which may lack a newline. */
	end(onLine: (line: string) => void): void {
		const tail = this.decoder.decode();
		if (tail !== '') this.scan(tail, onLine);
		if (this.pending.length > 0) {
			const line = this.pending.join('');
			this.pending = [];
			emit(line, onLine);
		}
	}

	private scan(text: string, onLine: (line: string) => void): void {
		let start = 0;
		let newline = text.indexOf('\n', start);
		while (newline !== -1) {
			const piece = text.slice(start, newline);
			let line: string;
			if (this.pending.length > 0) {
				this.pending.push(piece);
				line = this.pending.join('');
				this.pending = [];
			} else {
				line = piece;
			}
			emit(line, onLine);
			start = newline + 1;
			newline = text.indexOf('\n', start);
		}
		if (start < text.length) this.pending.push(text.slice(start));
	}
}

function emit(line: string, onLine: (line: string) => void): void {
	const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
	if (trimmed.trim() !== '') onLine(trimmed);
}
