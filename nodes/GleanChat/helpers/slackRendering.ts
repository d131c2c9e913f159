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

export function slackBlock(block: Block, sources: RenderedSource[], indent: string): string {
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

export function slackSources(sources: RenderedSource[]): string {
	if (sources.length === 0) return '';
	const lines = sources.map((source, index) => {
		const title = slackEscape(titleOf(source, index + 1));
		const url = webUrl(source.url);
		return `${index + 1}. ${url ? slackLink(url, title) : title}`;
	});
	return `*Sources*\n${lines.join('\n')}`;
}
