import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AnswerFormat, RenderedSource } from '../helpers/answerRenderings';
import { renderAnswer } from '../helpers/answerRenderings';
import { answerMarkdown } from '../helpers/answerText';
import { withoutClosingOffer } from '../helpers/closingOffer';
import { invalidOption } from './common';

/**
 * The answer made ready for where it goes (interface.md, "Answer renderings"): options
 * `answerFormats` (Slack, HTML, plain text, each its own output field) and `dropClosingOffer`,
 * shared by Chat → Send Message and Agent → Run.
 */

const FORMATS: AnswerFormat[] = ['slack', 'html', 'plainText'];

export const answerFormatsOption: INodeProperties = {
	displayName: 'Answer Formats',
	name: 'answerFormats',
	type: 'multiOptions',
	options: [
		{
			name: 'HTML',
			value: 'html',
			description: 'Field "html": for e-mail; Glean’s text escaped, links only to http(s)',
		},
		{
			name: 'Plain Text',
			value: 'plainText',
			description: 'Field "plainText": no markup; sources as [1] title – URL',
		},
		{
			name: 'Slack',
			value: 'slack',
			description: 'Field "slack": Slack mrkdwn, ready for a Slack message, with sources as links',
		},
	],
	default: [],
	description:
		'Extra renderings of the answer with its numbered sources, each in an output field of its own. "answer" and "markdown" stay as they are.',
};

export const dropClosingOfferOption: INodeProperties = {
	displayName: 'Drop Closing Offer',
	name: 'dropClosingOffer',
	type: 'boolean',
	default: false,
	description:
		'Whether to leave out a last paragraph that only offers more help ("Would you like me to…?", "Let me know if…"), for reports nobody can reply to. Applies to the answer, the Markdown and every rendering.',
};

/** What the item's two options ask for. */
export interface AnswerFinish {
	formats: AnswerFormat[];
	dropClosingOffer: boolean;
}

/**
 * The item's Answer Formats and Drop Closing Offer, checked.
 * @throws NodeOperationError naming the item and the option for a format that is not one of them.
 */
export function readAnswerFinish(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): AnswerFinish {
	const chosen = options.answerFormats ?? [];
	const formats = (Array.isArray(chosen) ? chosen : [chosen]).map(String);
	const unknown = formats.find((format) => !FORMATS.includes(format as AnswerFormat));
	if (unknown !== undefined) {
		throw invalidOption(context, itemIndex, 'Answer Formats', unknown, 'Slack, HTML or Plain Text');
	}
	return {
		formats: FORMATS.filter((format) => formats.includes(format)),
		dropClosingOffer: options.dropClosingOffer === true,
	};
}

/**
 * The answer's fields as the options ask: `answer` (and `markdown`, when `answerWithMarkers` is
 * given) without the closing offer if asked, and each chosen rendering of the answer with its
 * `sources`.
 */
export function finishedAnswer(
	{
		answer,
		answerWithMarkers,
		sources,
	}: { answer: string; answerWithMarkers?: string; sources: RenderedSource[] },
	finish: AnswerFinish,
): IDataObject {
	const trim = (text: string) => (finish.dropClosingOffer ? withoutClosingOffer(text) : text);
	const trimmed = trim(answerWithMarkers ?? answer);
	// Sources only the dropped offer cited are no longer the answer's.
	const { text: marked, sources: cited } =
		trimmed === (answerWithMarkers ?? answer)
			? { text: trimmed, sources }
			: stillCited(trimmed, sources);
	const fields: IDataObject = { answer: trim(answer) };
	if (answerWithMarkers !== undefined) fields.markdown = answerMarkdown(marked, cited);
	for (const format of finish.formats) fields[format] = renderAnswer(marked, cited, format);
	return fields;
}

/** The sources `text` still cites, numbered again from 1 in their order, and the text's markers with them. */
function stillCited(
	text: string,
	sources: RenderedSource[],
): { text: string; sources: RenderedSource[] } {
	const cited = new Set<number>();
	for (const match of text.matchAll(/\[(\d{1,4})\]/g)) {
		const number = Number(match[1]);
		if (number >= 1 && number <= sources.length) cited.add(number);
	}
	const kept = [...cited].sort((a, b) => a - b);
	const numbers = new Map(kept.map((number, index) => [number, index + 1]));
	return {
		text: text.replace(/\[(\d{1,4})\]/g, (marker, digits: string) => {
			const renumbered = numbers.get(Number(digits));
			return renumbered === undefined ? marker : `[${renumbered}]`;
		}),
		sources: kept.map((number) => sources[number - 1]),
	};
}
