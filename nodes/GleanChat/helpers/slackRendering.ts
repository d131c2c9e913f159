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
 * look-alike (∗ ＿ ∼) when another of its kind on the line could pair with it. One inside a word
 * (snake_case, a*b), between spaces (2 * 3), alone on its line (file_.docx, ~/tmp), or in a web
 * address, stays.
 */
function slackText(text: string): string {
	return slackEscape(text)
		.split(/((?:https?:\/\/|www\.)\S+)/i)
		.map((piece, index) => (index % 2 === 1 ? piece : withInertDelimiters(piece)))
		.join('');
}

/**
 * Delimiters on a line that Slack could pair (one that can open before one that can close, of the
 * same kind) become look-alikes; lone ones stay.
 */
function withInertDelimiters(text: string): string {
	return text
		.split('\n')
		.map((line) => {
			const paired = new Set<string>();
			for (const char of Object.keys(LOOK_ALIKES)) {
				const opener = [...line.matchAll(OPENER)].find((match) => match[0] === char);
				if (opener === undefined) continue;
				const closes = [...line.matchAll(CLOSER)].some(
					(match) => match[0] === char && match.index > opener.index,
				);
				if (closes) paired.add(char);
			}
			return paired.size === 0
				? line
				: line.replace(EDGE_DELIMITER, (char) => (paired.has(char) ? lookAlike(char) : char));
		})
		.join('\n');
}

const LOOK_ALIKES: Record<string, string> = { '*': '∗', _: '＿', '~': '∼' };

/** A delimiter that could open (word edge before, text after) or close (text before, word edge after). */
const OPENER = /(?<=^|[^\p{L}\p{N}])[*_~](?=[^\s*_~])/gu;
const CLOSER = /(?<=[^\s*_~])[*_~](?=[^\p{L}\p{N}]|$)/gu;
const EDGE_DELIMITER = new RegExp(`${OPENER.source}|${CLOSER.source}`, 'gu');

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
					// Made safe whole, so a pair of delimiters around a marker is seen as one.
					return markers(slackText(inline.text), sources.length)
						.map((part) => {
							if (typeof part === 'string') return part;
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
