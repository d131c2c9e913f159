import type { Block } from './markdown';

/** What the three renderings share: sources, citation markers, list layout, which links may be links. */

/** A numbered source: the answer's `[n]` markers point at `sources[n - 1]`. */
export interface RenderedSource {
	title?: string;
	url?: string;
}

/** A source's title, or its URL, or "Source n". */
export function titleOf(source: RenderedSource | undefined, number: number): string {
	const title = (source?.title ?? '').replace(/\s+/g, ' ').trim();
	return title || (source?.url ?? '').trim() || `Source ${number}`;
}

/** Splits text at `[n]` markers of known sources. */
export function markers(text: string, count: number): Array<string | number> {
	const parts: Array<string | number> = [];
	let from = 0;
	for (const match of text.matchAll(/\[(\d{1,4})\]/g)) {
		const number = Number(match[1]);
		if (number < 1 || number > count) continue;
		parts.push(text.slice(from, match.index), number);
		from = match.index + match[0].length;
	}
	parts.push(text.slice(from));
	return parts.filter((part) => part !== '');
}

/** A list's items, each written by `write` with its bullet (• ◦ ▪ by depth) or number and the indent of what it holds. */
export function listItems(
	list: Extract<Block, { type: 'list' }>,
	indent: string,
	write: (item: Block[], marker: string, inner: string) => string,
): string {
	const depth = Math.floor(indent.length / 4);
	return list.items
		.map((item, index) => {
			const marker = list.ordered ? `${list.start + index}.` : ['•', '◦', '▪'][depth % 3];
			// An item that opens with something other than text (a nested list, code) gets its marker on a line of its own.
			const opened: Block[] =
				item[0]?.type === 'paragraph' ? item : [{ type: 'paragraph', inlines: [] }, ...item];
			const [first, ...rest] = write(opened, marker, `${indent}    `).split('\n');
			return [first.trimEnd(), ...rest].join('\n');
		})
		.join('\n');
}

export function indentLines(text: string, indent: string): string {
	return indent === ''
		? text
		: text
				.split('\n')
				.map((line) => `${indent}${line}`)
				.join('\n');
}

/** `url` trimmed when it is an http(s) URL; undefined for anything else (javascript:, mailto:, text). */
export function webUrl(url: string | undefined): string | undefined {
	const trimmed = (url ?? '').trim();
	return /^https?:\/\/\S+$/i.test(trimmed) && !hasHiddenCharacters(trimmed) ? trimmed : undefined;
}

/** Control characters and bidi overrides: what a mail client shows must be what it opens. */
function hasHiddenCharacters(text: string): boolean {
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
		if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
		if ((code >= 0x200b && code <= 0x200f) || code === 0x2028 || code === 0x2029) return true;
		if (code === 0x061c || code === 0xfeff) return true;
	}
	return false;
}
