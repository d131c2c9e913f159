/**
 * The Markdown Glean writes in its answers, read into blocks and inline pieces that the
 * renderings (answerRenderings.ts) write out again for Slack, e-mail and plain text. Pure; knows
 * nothing of n8n. It reads what Glean's answers use, in CommonMark's spelling: paragraphs, ATX
 * headings, bullet and numbered lists (nested by indentation), fenced code, block quotes, rules,
 * and inline code, **strong**, *emphasis*, ~~strike~~, [links](url) and <autolinks>. Anything
 * else is text. HTML in the answer is text too, never markup.
 */

export type Inline =
	| { type: 'text'; text: string }
	| { type: 'code'; text: string }
	| { type: 'strong' | 'em' | 'strike'; children: Inline[] }
	| { type: 'link'; url: string; children: Inline[] }
	| { type: 'break' };

export type Block =
	| { type: 'paragraph'; inlines: Inline[] }
	| { type: 'heading'; level: number; inlines: Inline[] }
	| { type: 'list'; ordered: boolean; start: number; items: Block[][] }
	| { type: 'code'; text: string }
	| { type: 'quote'; blocks: Block[] }
	| { type: 'rule' };

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|$)/;
const QUOTE = /^ {0,3}> ?(.*)$/;

/** Reads Markdown text into blocks. */
export function parseMarkdown(text: string): Block[] {
	return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n'));
}

function parseBlocks(lines: string[]): Block[] {
	const blocks: Block[] = [];
	let paragraph: string[] = [];
	const flush = () => {
		if (paragraph.length > 0)
			blocks.push({ type: 'paragraph', inlines: parseInline(paragraph.join('\n')) });
		paragraph = [];
	};
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index];
		const fence = FENCE.exec(line);
		if (fence) {
			flush();
			const body: string[] = [];
			for (index++; index < lines.length && !lines[index].trim().startsWith(fence[1]); index++)
				body.push(lines[index]);
			blocks.push({ type: 'code', text: body.join('\n') });
			continue;
		}
		if (line.trim() === '') {
			flush();
			continue;
		}
		const heading = HEADING.exec(line);
		if (heading) {
			flush();
			blocks.push({
				type: 'heading',
				level: heading[1].length,
				inlines: parseInline(heading[2] ?? ''),
			});
			continue;
		}
		if (RULE.test(line)) {
			flush();
			blocks.push({ type: 'rule' });
			continue;
		}
		if (QUOTE.test(line)) {
			flush();
			const quoted: string[] = [];
			for (; index < lines.length && QUOTE.test(lines[index]); index++)
				quoted.push(QUOTE.exec(lines[index])![1]);
			index--;
			blocks.push({ type: 'quote', blocks: parseBlocks(quoted) });
			continue;
		}
		const item = LIST_ITEM.exec(line);
		if (item && (paragraph.length === 0 || item[1].length === 0)) {
			flush();
			index = parseList(lines, index, blocks) - 1;
			continue;
		}
		paragraph.push(line.trim());
	}
	flush();
	return blocks;
}

/** A list starting at `lines[start]`: its items, each with the lines indented under it. Returns where it ends. */
function parseList(lines: string[], start: number, blocks: Block[]): number {
	const first = LIST_ITEM.exec(lines[start])!;
	const indent = first[1].length;
	const ordered = /\d/.test(first[2]);
	const items: Block[][] = [];
	let index = start;
	while (index < lines.length) {
		const item = LIST_ITEM.exec(lines[index]);
		if (!item || item[1].length !== indent || /\d/.test(item[2]) !== ordered) break;
		const content = [item[3] ?? ''];
		const childIndent = indent + item[2].length + 1;
		for (index++; index < lines.length; index++) {
			const next = lines[index];
			const nested = LIST_ITEM.exec(next);
			if (next.trim() === '') {
				// A blank line ends the item unless what follows is indented under it.
				const after = lines[index + 1];
				if (after === undefined || leadingSpaces(after) < childIndent) break;
				content.push('');
			} else if (nested && nested[1].length <= indent) {
				break;
			} else if (leadingSpaces(next) >= Math.min(childIndent, indent + 2) || nested) {
				content.push(next.slice(Math.min(leadingSpaces(next), childIndent)));
			} else {
				// A lazy continuation line of the item's paragraph.
				content.push(next.trim());
			}
		}
		items.push(parseBlocks(content));
		while (
			index < lines.length &&
			lines[index].trim() === '' &&
			LIST_ITEM.exec(lines[index + 1] ?? '')?.[1].length === indent
		)
			index++;
	}
	const number = Number.parseInt(first[2], 10);
	blocks.push({
		type: 'list',
		ordered,
		start: ordered && Number.isFinite(number) ? number : 1,
		items,
	});
	return index;
}

function leadingSpaces(line: string): number {
	return /^ */.exec(line.replace(/\t/g, '    '))![0].length;
}

/** Reads inline Markdown: code spans first (nothing inside them is markup), then links and emphasis. */
export function parseInline(text: string): Inline[] {
	const out: Inline[] = [];
	let plain = '';
	const push = (inline: Inline) => {
		if (plain !== '') out.push({ type: 'text', text: plain });
		plain = '';
		out.push(inline);
	};
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
			const ticks = /^`+/.exec(text.slice(index))![0];
			const end = text.indexOf(ticks, index + ticks.length);
			if (end !== -1) {
				push({
					type: 'code',
					text: text.slice(index + ticks.length, end).replace(/^ (.+) $/, '$1'),
				});
				index = end + ticks.length;
				continue;
			}
			plain += ticks;
			index += ticks.length;
			continue;
		}
		const link = char === '[' ? readLink(text, index) : undefined;
		if (link) {
			push({ type: 'link', url: link.url, children: parseInline(link.label) });
			index = link.end;
			continue;
		}
		const auto = char === '<' ? /^<(https?:\/\/[^\s<>]+)>/i.exec(text.slice(index)) : null;
		if (auto) {
			push({ type: 'link', url: auto[1], children: [{ type: 'text', text: auto[1] }] });
			index += auto[0].length;
			continue;
		}
		const emphasis = readEmphasis(text, index);
		if (emphasis) {
			push({ type: emphasis.type, children: parseInline(emphasis.inner) });
			index = emphasis.end;
			continue;
		}
		plain += char;
		index++;
	}
	if (plain !== '') out.push({ type: 'text', text: plain });
	return out;
}

/** `[label](url)` at `start`: brackets and parentheses may nest (URLs such as …/Foo_(bar)). */
function readLink(
	text: string,
	start: number,
): { label: string; url: string; end: number } | undefined {
	const labelEnd = matching(text, start, '[', ']');
	if (labelEnd === -1 || text[labelEnd + 1] !== '(') return undefined;
	const urlEnd = matching(text, labelEnd + 1, '(', ')');
	if (urlEnd === -1) return undefined;
	const target = text.slice(labelEnd + 2, urlEnd).trim();
	const url = /^<([^>]*)>/.exec(target)?.[1] ?? target.split(/\s+/)[0];
	if (url === '' || /\s/.test(url)) return undefined;
	return { label: text.slice(start + 1, labelEnd), url, end: urlEnd + 1 };
}

function matching(text: string, start: number, open: string, close: string): number {
	let depth = 0;
	for (let index = start; index < text.length; index++) {
		const char = text[index];
		if (char === '\\') index++;
		else if (char === '`' && open === '[') {
			const end = text.indexOf('`', index + 1);
			if (end !== -1) index = end;
		} else if (char === open) depth++;
		else if (char === close && --depth === 0) return index;
		else if (char === '\n' && open === '(') return -1;
	}
	return -1;
}

const DELIMITERS: Array<[string, 'strong' | 'em' | 'strike']> = [
	['**', 'strong'],
	['__', 'strong'],
	['~~', 'strike'],
	['*', 'em'],
	['_', 'em'],
];

/** Emphasis opening at `start`: its closing delimiter is the next one that can close it. */
function readEmphasis(
	text: string,
	start: number,
): { type: 'strong' | 'em' | 'strike'; inner: string; end: number } | undefined {
	for (const [delimiter, type] of DELIMITERS) {
		if (!text.startsWith(delimiter, start)) continue;
		const after = text[start + delimiter.length];
		// Opens only before non-space text; `_` only at a word's start (snake_case stays text).
		if (after === undefined || /\s/.test(after) || after === delimiter[0]) continue;
		if (delimiter[0] === '_' && /[\p{L}\p{N}]/u.test(text[start - 1] ?? '')) continue;
		for (
			let close = text.indexOf(delimiter, start + delimiter.length + 1);
			close !== -1;
			close = text.indexOf(delimiter, close + 1)
		) {
			const before = text[close - 1];
			const next = text[close + delimiter.length];
			if (/\s/.test(before) || next === delimiter[0] || before === delimiter[0]) continue;
			if (delimiter[0] === '_' && /[\p{L}\p{N}]/u.test(next ?? '')) continue;
			const inner = text.slice(start + delimiter.length, close);
			if (inner.includes('`') && (inner.split('`').length - 1) % 2 === 1) continue;
			return { type, inner, end: close + delimiter.length };
		}
	}
	return undefined;
}
