import type { SimplifiedCitation } from './citations';
import { TextAccumulator } from './textAccumulator';

/**
 * The text of Glean's answer messages and where their citations stand, joined into the answer,
 * its Markdown and its numbered sources. Pure; knows nothing of n8n.
 */

/** One `GLEAN_AI` `CONTENT` message as it builds up. */
export class AnswerMessage {
	readonly text = new TextAccumulator();

	/** Citations in the order read: `at` is the offset in `text` of an inline one, -1 for Glean's message-level `citations[]`. */
	readonly refs: Array<{ at: number; citation: number }> = [];

	/** Whether any text other than whitespace has arrived. */
	hasText = false;

	/**
	 * @param id The key it is kept under in raw output (Glean's messageId where there is one).
	 * @param index Its place among the answer messages.
	 * @param order Order of first appearance among all messages of the answer (steps included).
	 */
	constructor(
		readonly id: string,
		readonly index: number,
		readonly order: number,
	) {}

	push(text: string): void {
		this.text.push(text);
		if (!this.hasText && text.trim() !== '') this.hasText = true;
	}
}

export interface ComposedAnswer {
	/** The messages' text, separate messages as separate paragraphs. */
	answer: string;
	/** The same with `[n]` where each inline citation stood. */
	answerWithMarkers: string;
	/** The sources cited in these messages, de-duplicated, numbered 1… in first-seen order. */
	citations: SimplifiedCitation[];
}

/**
 * Joins answer messages into one answer. `citationTable` holds every citation read so far (the
 * messages' `refs` index it); only those these messages cite are kept, renumbered.
 */
export function composeAnswer(messages: AnswerMessage[], citationTable: SimplifiedCitation[]): ComposedAnswer {
	const numbers = new Map<number, number>();
	const citations: SimplifiedCitation[] = [];
	const plain: string[] = [];
	const marked: string[] = [];
	for (const message of messages) {
		const text = message.text.toString();
		const markers: Array<{ at: number; number: number }> = [];
		for (const { at, citation } of message.refs) {
			let number = numbers.get(citation);
			if (number === undefined) {
				citations.push({ ...citationTable[citation] });
				number = citations.length;
				numbers.set(citation, number);
			}
			if (at >= 0) markers.push({ at, number });
		}
		appendParagraph(plain, text);
		// Sources in a message without text belong to the text before them, not to a paragraph of their own.
		if (text === '') marked.push(withMarkers(text, markers));
		else appendParagraph(marked, withMarkers(text, markers));
	}
	return { answer: plain.join(''), answerWithMarkers: marked.join(''), citations };
}

/** The answer with its numbered sources as a Markdown list under a "Sources" heading. */
export function answerMarkdown(answerWithMarkers: string, citations: SimplifiedCitation[]): string {
	if (citations.length === 0) return answerWithMarkers;
	const sources = citations.map((citation, index) => {
		const title = (citation.title ?? citation.url ?? 'Source').replace(/[[\]]/g, '');
		return citation.url ? `${index + 1}. [${title}](${citation.url})` : `${index + 1}. ${title}`;
	});
	return `${answerWithMarkers}\n\n**Sources**\n${sources.join('\n')}`;
}

/**
 * What goes between two messages so they read as separate paragraphs: a blank line, less the
 * line breaks already there at the end of `before` or the start of `after`.
 */
export function paragraphBreak(before: string, after: string): string {
	const newlines = (/\n*$/.exec(before)?.[0].length ?? 0) + (/^\n*/.exec(after)?.[0].length ?? 0);
	return '\n'.repeat(Math.max(0, 2 - newlines));
}

function appendParagraph(parts: string[], text: string): void {
	if (text === '') return;
	if (parts.length > 0) parts.push(paragraphBreak(parts[parts.length - 1], text));
	parts.push(text);
}

/** The text with `[n]` where each inline citation stood. */
function withMarkers(text: string, markers: Array<{ at: number; number: number }>): string {
	if (markers.length === 0) return text;
	const parts: string[] = [];
	let from = 0;
	for (const { at, number } of markers) {
		parts.push(text.slice(from, at), `[${number}]`);
		from = at;
	}
	parts.push(text.slice(from));
	return parts.join('');
}
