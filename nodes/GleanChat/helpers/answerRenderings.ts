import { htmlBlock, htmlSources } from './htmlRendering';
import { parseMarkdown } from './markdown';
import { plainBlock, plainSources } from './plainTextRendering';
import type { RenderedSource } from './renderingParts';
import { slackBlock, slackSources } from './slackRendering';

export type { RenderedSource } from './renderingParts';

/**
 * Glean's Markdown answer, with its numbered sources, written for where it goes: Slack's mrkdwn,
 * HTML safe for e-mail, or plain text. Pure; knows nothing of n8n.
 */

export type AnswerFormat = 'slack' | 'html' | 'plainText';

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
