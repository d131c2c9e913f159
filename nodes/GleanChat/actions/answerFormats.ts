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
	const { text: marked, sources: cited } = withoutOfferSources(
		answerWithMarkers ?? answer,
		trimmed,
		sources,
	);
	const fields: IDataObject = { answer: trim(answer) };
	if (answerWithMarkers !== undefined) fields.markdown = answerMarkdown(marked, cited);
	for (const format of finish.formats) fields[format] = renderAnswer(marked, cited, format);
	return fields;
}

/**
 * `kept` (the answer without its offer) and the sources, less those cited in the dropped part
 * and nowhere in `kept`; the rest numbered again in order. Sources Glean attached without a marker
 * stay. Markers inside code are not citations and stay as written.
 */
function withoutOfferSources(
	whole: string,
	kept: string,
	sources: RenderedSource[],
): { text: string; sources: RenderedSource[] } {
	if (kept === whole) return { text: kept, sources };
	const citedIn = (text: string) =>
		new Set(
			outsideCode(text).flatMap((piece) =>
				[...piece.matchAll(/\[(\d{1,4})\]/g)].map((m) => Number(m[1])),
			),
		);
	const stay = citedIn(kept);
	const gone = [...citedIn(whole.slice(kept.length))].filter(
		(number) => number >= 1 && number <= sources.length && !stay.has(number),
	);
	if (gone.length === 0) return { text: kept, sources };
	const numbers = new Map<number, number>();
	sources.forEach((_, index) => {
		if (!gone.includes(index + 1)) numbers.set(index + 1, numbers.size + 1);
	});
	const text = kept
		.split(CODE)
		.map((piece, index) =>
			index % 2 === 1
				? piece
				: piece.replace(/\[(\d{1,4})\]/g, (marker, digits: string) => {
						const renumbered = numbers.get(Number(digits));
						return renumbered === undefined ? marker : `[${renumbered}]`;
					}),
		)
		.join('');
	return { text, sources: sources.filter((_, index) => !gone.includes(index + 1)) };
}

/** Fenced code and code spans, kept as separate pieces when a text is split by it. */
const CODE = /(```[\s\S]*?```|~~~[\s\S]*?~~~|`[^`\n]*`)/;

function outsideCode(text: string): string[] {
	return text.split(CODE).filter((_, index) => index % 2 === 0);
}
