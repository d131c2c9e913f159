import type { Block, Inline } from './markdown';
import { parseMarkdown } from './markdown';

/**
 * Glean's Markdown answer, with its numbered sources, written for where it goes: Slack's mrkdwn,
 * HTML safe for e-mail, or plain text. Pure; knows nothing of n8n.
 */

export type AnswerFormat = 'slack' | 'html' | 'plainText';

/** A numbered source: the answer's `[n]` markers point at `sources[n - 1]`. */
export interface RenderedSource {
	title?: string;
	url?: string;
}

/**
 * `answer` (Markdown with `[n]` citation markers) and its sources in `format`:
 * - `slack`: mrkdwn (api.slack.com, "Formatting text"): `*bold*`, `_italic_`, `~strike~`, code,
 *   headings as bold lines, lists with bullets, links as `<url|title>`, `&`, `<` and `>` escaped
 *   everywhere else; markers link to their source; a "Sources" list of links.
 * - `html`: every piece of Glean's text escaped; only the tags written here; `href` only to
 *   http(s) URLs (anything else stays text); markers link to their source.
 * - `plainText`: no markup; links as "title (url)"; sources as `[1] title – url`.
 */
export function renderAnswer(
	answer: string,
	sources: RenderedSource[],
	format: AnswerFormat,
): string {
	const blocks = parseMarkdown(answer);
	switch (format) {
		case 'slack':
			return joinParts(
				blocks.map((block) => slackBlock(block, sources, '')),
				slackSources(sources),
			);
		case 'html':
			return joinParts(
				blocks.map((block) => htmlBlock(block, sources)),
				htmlSources(sources),
				'\n',
			);
		case 'plainText':
			return joinParts(
				blocks.map((block) => plainBlock(block, '')),
				plainSources(sources),
			);
	}
}

function joinParts(parts: string[], sources: string, separator = '\n\n'): string {
	const body = parts.filter((part) => part !== '').join(separator);
	return sources === '' ? body : `${body}${separator}${sources}`;
}

/** A source's title, or its URL, or "Source n". */
function titleOf(source: RenderedSource | undefined, number: number): string {
	return (source?.title ?? '').trim() || (source?.url ?? '').trim() || `Source ${number}`;
}

/** Splits text at `[n]` markers of known sources. */
function markers(text: string, count: number): Array<string | number> {
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

// Slack ----------------------------------------------------------------------------------------

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

function slackInline(inlines: Inline[], sources: RenderedSource[]): string {
	return inlines
		.map((inline) => {
			switch (inline.type) {
				case 'text':
					return markers(inline.text, sources.length)
						.map((part) => {
							if (typeof part === 'string') return slackEscape(part);
							const url = webUrl(sources[part - 1]?.url);
							return url ? slackLink(url, `[${part}]`) : `[${part}]`;
						})
						.join('');
				case 'code':
					return `\`${slackEscape(inline.text.replace(/`/g, 'ˋ'))}\``;
				case 'strong':
					return `*${slackInline(inline.children, sources)}*`;
				case 'em':
					return `_${slackInline(inline.children, sources)}_`;
				case 'strike':
					return `~${slackInline(inline.children, sources)}~`;
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

function slackBlock(block: Block, sources: RenderedSource[], indent: string): string {
	switch (block.type) {
		case 'paragraph':
			return indentLines(slackInline(block.inlines, sources), indent);
		case 'heading':
			return `${indent}*${slackInline(block.inlines, sources).replace(/\*/g, '')}*`;
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

function slackSources(sources: RenderedSource[]): string {
	if (sources.length === 0) return '';
	const lines = sources.map((source, index) => {
		const title = slackEscape(titleOf(source, index + 1));
		const url = webUrl(source.url);
		return `${index + 1}. ${url ? slackLink(url, title) : title}`;
	});
	return `*Sources*\n${lines.join('\n')}`;
}

// HTML -----------------------------------------------------------------------------------------

function htmlEscape(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

function htmlLink(url: string | undefined, labelHtml: string): string {
	const href = webUrl(url);
	return href ? `<a href="${htmlEscape(href)}">${labelHtml}</a>` : labelHtml;
}

function htmlInline(inlines: Inline[], sources: RenderedSource[]): string {
	return inlines
		.map((inline) => {
			switch (inline.type) {
				case 'text':
					return markers(inline.text, sources.length)
						.map((part) =>
							typeof part === 'string'
								? htmlEscape(part)
								: htmlLink(sources[part - 1]?.url, `[${part}]`),
						)
						.join('');
				case 'code':
					return `<code>${htmlEscape(inline.text)}</code>`;
				case 'strong':
					return `<strong>${htmlInline(inline.children, sources)}</strong>`;
				case 'em':
					return `<em>${htmlInline(inline.children, sources)}</em>`;
				case 'strike':
					return `<del>${htmlInline(inline.children, sources)}</del>`;
				case 'link':
					return htmlLink(inline.url, htmlInline(inline.children, []));
				case 'break':
					return '<br>';
			}
		})
		.join('');
}

function htmlBlock(block: Block, sources: RenderedSource[]): string {
	switch (block.type) {
		case 'paragraph':
			return `<p>${htmlInline(block.inlines, sources)}</p>`;
		case 'heading':
			return `<h${block.level}>${htmlInline(block.inlines, sources)}</h${block.level}>`;
		case 'code':
			return `<pre><code>${htmlEscape(block.text)}</code></pre>`;
		case 'quote':
			return `<blockquote>${block.blocks.map((inner) => htmlBlock(inner, sources)).join('')}</blockquote>`;
		case 'rule':
			return '<hr>';
		case 'list': {
			const tag = block.ordered ? 'ol' : 'ul';
			const start = block.ordered && block.start !== 1 ? ` start="${block.start}"` : '';
			const items = block.items.map(
				(item) =>
					`<li>${item
						.map((child, index) =>
							index === 0 && child.type === 'paragraph'
								? htmlInline(child.inlines, sources)
								: htmlBlock(child, sources),
						)
						.join('')}</li>`,
			);
			return `<${tag}${start}>${items.join('')}</${tag}>`;
		}
	}
}

function htmlSources(sources: RenderedSource[]): string {
	if (sources.length === 0) return '';
	const items = sources.map(
		(source, index) =>
			`<li>${htmlLink(source.url ?? '', htmlEscape(titleOf(source, index + 1)))}</li>`,
	);
	return `<p><strong>Sources</strong></p>\n<ol>${items.join('')}</ol>`;
}

// Plain text -------------------------------------------------------------------------------------

function plainInline(inlines: Inline[]): string {
	return inlines
		.map((inline) => {
			switch (inline.type) {
				case 'text':
				case 'code':
					return inline.text;
				case 'strong':
				case 'em':
				case 'strike':
					return plainInline(inline.children);
				case 'link': {
					const label = plainInline(inline.children);
					return label === inline.url || label === '' ? inline.url : `${label} (${inline.url})`;
				}
				case 'break':
					return '\n';
			}
		})
		.join('');
}

function plainBlock(block: Block, indent: string): string {
	switch (block.type) {
		case 'paragraph':
		case 'heading':
			return indentLines(plainInline(block.inlines), indent);
		case 'code':
			return indentLines(block.text, indent);
		case 'quote':
			return block.blocks.map((inner) => plainBlock(inner, `${indent}  `)).join('\n');
		case 'rule':
			return '';
		case 'list':
			return listItems(block, indent, (item, marker, inner) =>
				item
					.map((child, index) =>
						index === 0 && child.type === 'paragraph'
							? `${indent}${marker} ${plainInline(child.inlines)}`
							: plainBlock(child, inner),
					)
					.join('\n'),
			);
	}
}

function plainSources(sources: RenderedSource[]): string {
	if (sources.length === 0) return '';
	const lines = sources.map((source, index) => {
		const title = titleOf(source, index + 1);
		return `[${index + 1}] ${title}${source.url && source.url !== title ? ` – ${source.url}` : ''}`;
	});
	return `Sources\n${lines.join('\n')}`;
}

// Shared ------------------------------------------------------------------------------------------

/** A list's items, each written by `write` with its bullet (• ◦ ▪ by depth) or number and the indent of what it holds. */
function listItems(
	list: Extract<Block, { type: 'list' }>,
	indent: string,
	write: (item: Block[], marker: string, inner: string) => string,
): string {
	const depth = indent.length / 4;
	return list.items
		.map((item, index) =>
			write(
				item,
				list.ordered ? `${list.start + index}.` : ['•', '◦', '▪'][depth % 3],
				`${indent}    `,
			),
		)
		.join('\n');
}

function indentLines(text: string, indent: string): string {
	return indent === ''
		? text
		: text
				.split('\n')
				.map((line) => `${indent}${line}`)
				.join('\n');
}

/** `url` trimmed when it is an http(s) URL; undefined for anything else (javascript:, mailto:, text). */
function webUrl(url: string | undefined): string | undefined {
	const trimmed = (url ?? '').trim();
	return /^https?:\/\/\S+$/i.test(trimmed) ? trimmed : undefined;
}
