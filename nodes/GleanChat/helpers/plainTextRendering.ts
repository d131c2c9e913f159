import type { Block, Inline } from './markdown';
import type { RenderedSource } from './renderingParts';
import { indentLines, listItems, titleOf } from './renderingParts';

/** Glean's answer as plain text: no markup, links as "title (url)", sources as `[n] title – url`. */

export function plainInline(inlines: Inline[]): string {
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

export function plainBlock(block: Block, indent: string): string {
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

export function plainSources(sources: RenderedSource[]): string {
	if (sources.length === 0) return '';
	const lines = sources.map((source, index) => {
		const title = titleOf(source, index + 1);
		return `[${index + 1}] ${title}${source.url && source.url !== title ? ` – ${source.url}` : ''}`;
	});
	return `Sources\n${lines.join('\n')}`;
}
