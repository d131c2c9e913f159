import type { Block, Inline } from './markdown';
import type { RenderedSource } from './renderingParts';
import { indentLines, listItems, markers, titleOf, webUrl } from './renderingParts';
import { plainInline } from './plainTextRendering';

/**
 * Glean's answer as Slack mrkdwn (api.slack.com, "Formatting text for app surfaces"): `*bold*`,
 * `_italic_`, `~strike~`, code, headings as bold lines, bullets, `<url|label>` links, and `&`,
 * `<`, `>` escaped everywhere else.
 */

/** Slack's three control characters (api.slack.com: "Escaping text"). */
function slackEscape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link's parts inside `<url|label>`: `|` and `>` cannot appear there, so they are replaced or encoded. */
function slackLink(url: string, label: string): string {
	const target = slackEscape(url).replace(/\|/g, '%7C');
	const text = label.replace(/\|/g, '∣').replace(/[\n\r]+/g, ' ');
	return `<${target}|${text}>`;
}

/**
 * Text Slack must not read as formatting: a `*`, `_` or `~` at a word's edge, where Slack could
 * take it to open or close bold, italics or strike (Glean's escaped `\\*not bold\\*`), becomes its
 * look-alike (∗ ＿ ∼). One inside a word (snake_case, a*b) or between spaces (2 * 3), and any in
 * a web address, stays.
 */
function slackText(text: string): string {
	return slackEscape(text)
		.split(/(https?:\/\/\S+)/)
		.map((piece, index) => (index % 2 === 1 ? piece : piece.replace(EDGE_DELIMITER, lookAlike)))
		.join('');
}

const LOOK_ALIKES: Record<string, string> = { '*': '∗', _: '＿', '~': '∼' };

/** A delimiter that could open (word edge before, text after) or close (text before, word edge after). */
const EDGE_DELIMITER =
	/(?<=^|[^\p{L}\p{N}])[*_~](?=[^\s*_~])|(?<=[^\s*_~])[*_~](?=[^\p{L}\p{N}]|$)/gu;

function lookAlike(char: string): string {
	return LOOK_ALIKES[char] ?? char;
}

/** Slack only formats at word edges: emphasis inside a word gets zero-width spaces around it. */
function atWordEdges(
	formatted: string,
	before: Inline | undefined,
	after: Inline | undefined,
): string {
	const word = /[\p{L}\p{N}]/u;
	const left = before?.type === 'text' && word.test(before.text.slice(-1)) ? '\u200b' : '';
	const right = after?.type === 'text' && word.test(after.text.slice(0, 1)) ? '\u200b' : '';
	return `${left}${formatted}${right}`;
}

function slackInline(inlines: Inline[], sources: RenderedSource[]): string {
	return inlines
		.map((inline, index) => {
			const edges = (formatted: string) =>
				atWordEdges(formatted, inlines[index - 1], inlines[index + 1]);
			switch (inline.type) {
				case 'text':
					return markers(inline.text, sources.length)
						.map((part) => {
							if (typeof part === 'string') return slackText(part);
							const url = webUrl(sources[part - 1]?.url);
							return url ? slackLink(url, `[${part}]`) : `[${part}]`;
						})
						.join('');
				case 'code':
					return `\`${slackEscape(inline.text.replace(/`/g, 'ˋ'))}\``;
				case 'strong':
					return edges(`*${slackInline(inline.children, sources)}*`);
				case 'em':
					return edges(`_${slackInline(inline.children, sources)}_`);
				case 'strike':
					return edges(`~${slackInline(inline.children, sources)}~`);
				case 'link': {
					const label = slackEscape(plainInline(inline.children));
					const url = webUrl(inline.url);
					return url ? slackLink(url, label) : label;
				}
				case 'break':
					return '\n';
			}
		})
		.join('');
}

export function slackBlock(block: Block, sources: RenderedSource[], indent: string): string {
	switch (block.type) {
		case 'paragraph':
			return indentLines(slackInline(block.inlines, sources), indent);
		case 'heading':
			// Already bold: bold inside it would end it early.
			return `${indent}*${slackInline(withoutStrong(block.inlines), sources)}*`;
		case 'code':
			return indentLines(
				`\`\`\`\n${slackEscape(block.text.replace(/```/g, 'ˋˋˋ'))}\n\`\`\``,
				indent,
			);
		case 'quote':
			return block.blocks
				.map((inner) => slackBlock(inner, sources, ''))
				.join('\n')
				.split('\n')
				.map((line) => `${indent}&gt; ${line}`)
				.join('\n');
		case 'rule':
			return `${indent}———`;
		case 'list':
			return listItems(block, indent, (item, marker, inner) =>
				item
					.map((child, index) =>
						index === 0 && child.type === 'paragraph'
							? `${indent}${marker} ${slackInline(child.inlines, sources)}`
							: slackBlock(child, sources, inner),
					)
					.join('\n'),
			);
	}
}

export function slackSources(sources: RenderedSource[]): string {
	if (sources.length === 0) return '';
	const lines = sources.map((source, index) => {
		const title = slackEscape(titleOf(source, index + 1));
		const url = webUrl(source.url);
		return `${index + 1}. ${url ? slackLink(url, title) : title}`;
	});
	return `*Sources*\n${lines.join('\n')}`;
}

function withoutStrong(inlines: Inline[]): Inline[] {
	return inlines.flatMap((inline) =>
		inline.type === 'strong' ? withoutStrong(inline.children) : [inline],
	);
}
