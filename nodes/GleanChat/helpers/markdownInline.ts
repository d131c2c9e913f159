import type { Inline } from './markdown';

/**
 * Inline Markdown as Glean writes it (code spans, links, autolinks, emphasis), read in time
 * linear in the text: brackets are paired in one pass, a code span's missing closer is looked
 * for once, and emphasis spans at most MAX_SPAN characters. Pure; knows nothing of n8n.
 */

/** Deeper nesting (quotes in quotes, emphasis in links in emphasis…) stays text: no answer needs it, and it bounds recursion. */
export const MAX_DEPTH = 32;

/** Emphasis spans at most this many characters; a delimiter without a closer nearer stays text (keeps parsing linear). */
const MAX_SPAN = 1000;

/** Reads inline Markdown: code spans first (nothing inside them is markup), then links and emphasis. */
export function parseInline(text: string, depth = 0): Inline[] {
	if (depth > MAX_DEPTH) return text === '' ? [] : [{ type: 'text', text }];
	const out: Inline[] = [];
	let plain = '';
	const push = (inline: Inline) => {
		if (plain !== '') out.push({ type: 'text', text: plain });
		plain = '';
		out.push(inline);
	};
	const codeSpans = new CodeSpans(text);
	let partners: Map<number, number> | undefined;
	let closers: Closers | undefined;
	let index = 0;
	while (index < text.length) {
		const char = text[index];
		if (char === '\\' && index + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[index + 1])) {
			plain += text[index + 1];
			index += 2;
			continue;
		}
		if (char === '\n') {
			push({ type: 'break' });
			index++;
			continue;
		}
		if (char === '`') {
			const span = codeSpans.at(index);
			if (span) {
				push({ type: 'code', text: span.code });
				index = span.end;
				continue;
			}
			const ticks = /^`+/.exec(text.slice(index, index + 64))![0];
			plain += ticks;
			index += ticks.length;
			continue;
		}
		// A bare web address is text: no emphasis inside it (…/a*b*c, …/docs/_private_/…).
		const bare =
			/[hHwW]/.test(char) && !/[\p{L}\p{N}]/u.test(text[index - 1] ?? '')
				? /^(?:https?:\/\/|www\.)[^\s<>()[\]]+/i.exec(text.slice(index, index + 2048))
				: null;
		if (bare) {
			plain += bare[0];
			index += bare[0].length;
			continue;
		}
		// An image `![alt](url)` is its alt text linked to the image.
		const image = char === '!' && text[index + 1] === '[' ? 1 : 0;
		const link =
			char === '[' || image
				? readLink(text, index + image, (partners ??= pairUp(text, codeSpans)))
				: undefined;
		if (link) {
			const label = link.label.trim() === '' ? link.url : link.label;
			push({ type: 'link', url: link.url, children: parseInline(label, depth + 1) });
			index = link.end;
			continue;
		}
		const auto =
			char === '<' ? /^<(https?:\/\/[^\s<>]+)>/i.exec(text.slice(index, index + 2048)) : null;
		if (auto) {
			push({ type: 'link', url: auto[1], children: [{ type: 'text', text: auto[1] }] });
			index += auto[0].length;
			continue;
		}
		const emphasis = '*_~'.includes(char)
			? readEmphasis(text, index, (closers ??= new Closers(text)))
			: undefined;
		if (emphasis) {
			const children = parseInline(emphasis.inner, depth + 1);
			push(
				emphasis.type === 'strongEm'
					? { type: 'strong', children: [{ type: 'em', children }] }
					: { type: emphasis.type, children },
			);
			index = emphasis.end;
			continue;
		}
		plain += char;
		index++;
	}
	if (plain !== '') out.push({ type: 'text', text: plain });
	return out;
}

/** The code spans of a text: a run of backticks up to the next run of the same length. */
class CodeSpans {
	/** For each run length, the position after which no run of that length follows. */
	private readonly noneAfter = new Map<number, number>();

	constructor(private readonly text: string) {}

	/** The code span opening at `start` (a backtick), if its run has a closing run. */
	at(start: number): { code: string; end: number } | undefined {
		const ticks = /^`+/.exec(this.text.slice(start, start + 64))![0];
		const from = start + ticks.length;
		if ((this.noneAfter.get(ticks.length) ?? Infinity) <= from) return undefined;
		let end = this.text.indexOf(ticks, from);
		// A longer run is not a closer.
		while (end !== -1 && this.text[end + ticks.length] === '`') {
			const run = /^`+/.exec(this.text.slice(end, end + 64))![0].length;
			end = this.text.indexOf(ticks, end + run);
		}
		if (end === -1) {
			this.noneAfter.set(ticks.length, from);
			return undefined;
		}
		return { code: this.text.slice(from, end).replace(/^ (.+) $/, '$1'), end: end + ticks.length };
	}
}

/**
 * Each `[` and `(` paired with its `]` or `)`, nesting allowed, in one pass (a link's URL may
 * hold parentheses, as …/Foo_(bar) does; it does not cross a line). Escaped characters and code
 * spans are skipped.
 */
function pairUp(text: string, codeSpans: CodeSpans): Map<number, number> {
	const partners = new Map<number, number>();
	const brackets: number[] = [];
	let parens: number[] = [];
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (char === '\\') index++;
		else if (char === '`') index = (codeSpans.at(index)?.end ?? index + 1) - 1;
		else if (char === '[') brackets.push(index);
		else if (char === ']' && brackets.length > 0) partners.set(brackets.pop()!, index);
		else if (char === '(') parens.push(index);
		else if (char === ')' && parens.length > 0) partners.set(parens.pop()!, index);
		else if (char === '\n') parens = [];
	}
	return partners;
}

/** `[label](url)` at `start`, its brackets and parentheses as `partners` paired them. */
function readLink(
	text: string,
	start: number,
	partners: Map<number, number>,
): { label: string; url: string; end: number } | undefined {
	const labelEnd = partners.get(start);
	if (labelEnd === undefined || text[labelEnd + 1] !== '(') return undefined;
	const urlEnd = partners.get(labelEnd + 1);
	if (urlEnd === undefined) return undefined;
	const target = text.slice(labelEnd + 2, urlEnd).trim();
	const bracketed = /^<([^>]*)>/.exec(target)?.[1];
	const [first, ...title] = target.split(/[ \t]+/);
	// After the URL only a quoted title may follow; other spaces mean this is not a link.
	if (bracketed === undefined && title.length > 0 && !/^["'(]/.test(title[0])) return undefined;
	const url = bracketed ?? first;
	if (url === '' || /\s/.test(url)) return undefined;
	return { label: text.slice(start + 1, labelEnd), url, end: urlEnd + 1 };
}

const DELIMITERS: Array<[string, 'strongEm' | 'strong' | 'em' | 'strike']> = [
	['***', 'strongEm'],
	['**', 'strong'],
	['__', 'strong'],
	['~~', 'strike'],
	['*', 'em'],
	['_', 'em'],
];

/**
 * Where each delimiter can close emphasis in a text (after non-space, not part of a longer run;
 * `_` only at a word's end), found once per text and delimiter, so each opener finds its closer
 * by binary search.
 */
class Closers {
	private readonly byDelimiter = new Map<string, number[]>();

	constructor(private readonly text: string) {}

	/** The first place `delimiter` can close from `from` on, up to `limit`, that `accept` takes. */
	find(delimiter: string, from: number, limit: number, accept: (close: number) => boolean) {
		const closers = this.of(delimiter);
		let low = 0;
		let high = closers.length;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (closers[middle] < from) low = middle + 1;
			else high = middle;
		}
		for (let index = low; index < closers.length && closers[index] <= limit; index++)
			if (accept(closers[index])) return closers[index];
		return undefined;
	}

	private of(delimiter: string): number[] {
		let closers = this.byDelimiter.get(delimiter);
		if (closers) return closers;
		closers = [];
		const { text } = this;
		for (
			let close = text.indexOf(delimiter, 1);
			close !== -1;
			close = text.indexOf(delimiter, close + 1)
		) {
			const before = text[close - 1];
			const next = text[close + delimiter.length];
			if (/\s/.test(before) || next === delimiter[0] || before === delimiter[0]) continue;
			if (delimiter[0] === '_' && /[\p{L}\p{N}]/u.test(next ?? '')) continue;
			closers.push(close);
		}
		this.byDelimiter.set(delimiter, closers);
		return closers;
	}
}

/**
 * Emphasis opening at `start`: its closing delimiter is the next one that can close it, within
 * MAX_SPAN characters, with no code span cut in half between them.
 */
function readEmphasis(
	text: string,
	start: number,
	closers: Closers,
): { type: 'strongEm' | 'strong' | 'em' | 'strike'; inner: string; end: number } | undefined {
	for (const [delimiter, type] of DELIMITERS) {
		if (!text.startsWith(delimiter, start)) continue;
		const after = text[start + delimiter.length];
		// Opens only before non-space text; `_` only at a word's start (snake_case stays text).
		if (after === undefined || /\s/.test(after) || after === delimiter[0]) continue;
		if (delimiter[0] === '_' && /[\p{L}\p{N}]/u.test(text[start - 1] ?? '')) continue;
		const open = start + delimiter.length;
		const close = closers.find(delimiter, open + 1, start + MAX_SPAN, (at) => {
			const inner = text.slice(open, at);
			return !inner.includes('`') || (inner.split('`').length - 1) % 2 === 0;
		});
		if (close !== undefined)
			return { type, inner: text.slice(open, close), end: close + delimiter.length };
	}
	return undefined;
}
