/**
 * Text appended in many small pieces (Glean's token-sized deltas), kept compactly: every 1,024
 * pieces are joined and stored as one UTF-8 buffer, so memory follows the length of the text
 * (at one byte per character for most text, off the JavaScript heap), not the number of pieces,
 * and the string is built once, when asked for.
 */
export class TextAccumulator {
	private static readonly PIECES_PER_BLOCK = 1024;

	/** The whole text as of the last `toString()`; blocks and pieces after it follow. */
	private head = '';

	private blocks: Buffer[] = [];

	private recent: string[] = [];

	/** Characters (UTF-16 code units) appended so far. */
	length = 0;

	push(text: string): void {
		if (text === '') return;
		this.recent.push(text);
		this.length += text.length;
		if (this.recent.length === TextAccumulator.PIECES_PER_BLOCK) {
			let joined = this.recent.join('');
			this.recent = [];
			// Half of a surrogate pair cannot be encoded alone: it waits for its other half.
			const last = joined.charCodeAt(joined.length - 1);
			if (last >= 0xd800 && last <= 0xdbff) {
				this.recent.push(joined.slice(-1));
				joined = joined.slice(0, -1);
			}
			this.blocks.push(Buffer.from(joined, 'utf8'));
		}
	}

	/** The whole text. It then replaces the blocks, so holding it costs no second copy. */
	toString(): string {
		if (this.blocks.length === 0 && this.recent.length === 0) return this.head;
		const blocks = this.blocks.length > 0 ? Buffer.concat(this.blocks).toString('utf8') : '';
		this.head = this.head + blocks + this.recent.join('');
		this.blocks = [];
		this.recent = [];
		return this.head;
	}
}
