import { MAX_DEPTH, parseInline } from './markdownInline';

export { parseInline } from './markdownInline';

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

/** A fence opens with ``` (no backtick after it on the line, as CommonMark says) or ~~~. */
const FENCE = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|$)/;
const QUOTE = /^ {0,3}> ?(.*)$/;

/** Reads Markdown text into blocks. */
export function parseMarkdown(text: string): Block[] {
	return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n'));
}

function parseBlocks(lines: string[], depth = 0): Block[] {
	if (depth > MAX_DEPTH) {
		const text = lines.join('\n').trim();
		return text === '' ? [] : [{ type: 'paragraph', inlines: parseInline(text, MAX_DEPTH) }];
	}
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
			const closing = new RegExp(`^ {0,3}${fence[1][0]}{${fence[1].length},}[ \\t]*$`);
			for (index++; index < lines.length && !closing.test(lines[index]); index++)
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
				inlines: parseInline(headingText(heading[2] ?? '')),
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
			blocks.push({ type: 'quote', blocks: parseBlocks(quoted, depth + 1) });
			continue;
		}
		const item = LIST_ITEM.exec(line);
		// Inside a paragraph only a bullet or "1." starts a list ("…in\n2024. We…" stays text), as in CommonMark.
		const interrupts = item !== null && item[1].length === 0 && /^([-*+]|1[.)])$/.test(item[2]);
		if (item && (paragraph.length === 0 || interrupts)) {
			flush();
			index = parseList(lines, index, blocks, depth) - 1;
			continue;
		}
		paragraph.push(line.trim());
	}
	flush();
	return blocks;
}

/** A list starting at `lines[start]`: its items, each with the lines indented under it. Returns where it ends. */
function parseList(lines: string[], start: number, blocks: Block[], depth: number): number {
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
		items.push(parseBlocks(content, depth + 1));
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

/** A heading's text without its optional closing run of `#` (only after a space: `C#` stays). */
function headingText(text: string): string {
	let end = text.length;
	while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
	let hashes = end;
	while (hashes > 0 && text[hashes - 1] === '#') hashes--;
	if (hashes < end && (hashes === 0 || text[hashes - 1] === ' ' || text[hashes - 1] === '\t'))
		end = hashes;
	return text.slice(0, end).trim();
}
