import type { Block, Inline } from './markdown';
import type { RenderedSource } from './renderingParts';
import { titleOf, markers, webUrl } from './renderingParts';

/**
 * Glean's answer as HTML safe for e-mail: every piece of Glean's text escaped, only the tags
 * written here, and `href` only to http(s) URLs.
 */

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

/** Inline HTML; inside a link (`inLink`), a link Glean nested in it is its text: a link cannot hold one. */
function htmlInline(inlines: Inline[], sources: RenderedSource[], inLink = false): string {
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
					return `<strong>${htmlInline(inline.children, sources, inLink)}</strong>`;
				case 'em':
					return `<em>${htmlInline(inline.children, sources, inLink)}</em>`;
				case 'strike':
					return `<del>${htmlInline(inline.children, sources, inLink)}</del>`;
				case 'link':
					return inLink
						? htmlInline(inline.children, [], true)
						: htmlLink(inline.url, htmlInline(inline.children, [], true));
				case 'break':
					return '<br>';
			}
		})
		.join('');
}

export function htmlBlock(block: Block, sources: RenderedSource[]): string {
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

export function htmlSources(sources: RenderedSource[]): string {
	if (sources.length === 0) return '';
	const items = sources.map(
		(source, index) =>
			`<li>${htmlLink(source.url ?? '', htmlEscape(titleOf(source, index + 1)))}</li>`,
	);
	return `<p><strong>Sources</strong></p>\n<ol>${items.join('')}</ol>`;
}
