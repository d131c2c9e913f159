import type { ChatStep } from './chatSteps';
import { CitationTable } from './citations';
import type { SimplifiedCitation } from './citations';
import type { GleanChatMessage, GleanFragment } from './gleanTypes';
import { TextAccumulator } from './textAccumulator';

/**
 * Glean's answer messages (`GLEAN_AI` `CONTENT`): which message each piece of text belongs to,
 * which of them are the answer (those after the last tool step), and how they join into the
 * answer, its Markdown and its numbered sources. Pure; knows nothing of n8n.
 */

/** One `GLEAN_AI` `CONTENT` message as it builds up. */
class AnswerMessage {
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
function composeAnswer(
	messages: AnswerMessage[],
	citationTable: SimplifiedCitation[],
): ComposedAnswer {
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
export function answerMarkdown(
	answerWithMarkers: string,
	citations: Array<Pick<SimplifiedCitation, 'title' | 'url'>>,
): string {
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
function paragraphBreak(before: string, after: string): string {
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

/**
 * Every `CONTENT` message of one answer, in order. Messages are told apart by Glean's messageId;
 * without one, a `CONTENT` continues the one before it when that one may go on (streamed: unless
 * it said `hasMoreFragments: false`, as Glean streams its text in token-sized lines; whole: only
 * if it said `hasMoreFragments: true`, as separate messages of one response are separate). Text
 * under one key on both sides of a tool step is two messages: a plan, then the answer.
 */
export class AnswerMessages {
	private readonly messages: AnswerMessage[] = [];

	private readonly byKey = new Map<string, AnswerMessage>();

	/** Index of the first message after the last tool step: where the answer starts. */
	private answerStart = 0;

	private readonly citations = new CitationTable();

	/** The last `CONTENT` read: its key, and whether a `CONTENT` without a messageId after it continues it. */
	private last?: { key: string; goesOn: boolean };

	private anonymousCount = 0;

	/** The message whose text was passed on live last, and the last characters passed on. */
	private live?: { message: AnswerMessage; tail: string };

	/** @param onText Called with each piece of text as read, and a paragraph break before each further message's. */
	constructor(private readonly onText?: (text: string) => void) {}

	/** Whether any message or citation has been read. */
	get any(): boolean {
		return this.messages.length > 0 || this.citations.entries.length > 0;
	}

	/** Whether the answer has text: false for a run that ended before Glean wrote it. */
	get answered(): boolean {
		for (let index = this.answerStart; index < this.messages.length; index++)
			if (this.messages[index].hasText) return true;
		return false;
	}

	/**
	 * Adds one `CONTENT` message (or one streamed line of it).
	 * @param order Its place among all messages of the answer, steps included.
	 * @returns The key its message is kept under in raw output.
	 */
	add(
		message: GleanChatMessage,
		fragments: GleanFragment[],
		order: number,
		streamed: boolean,
	): string {
		const answer = this.messageFor(this.keyOf(message, streamed), order);
		for (const fragment of fragments) {
			if (!fragment || typeof fragment !== 'object') continue;
			if (typeof fragment.text === 'string' && fragment.text !== '') {
				answer.push(fragment.text);
				this.passOn(answer, fragment.text);
			}
			const citation =
				fragment.citation && typeof fragment.citation === 'object'
					? this.citations.add(fragment.citation)
					: undefined;
			if (citation !== undefined) answer.refs.push({ at: answer.text.length, citation });
		}
		// The deprecated message-level citations[]: sources without a place in the text.
		for (const item of Array.isArray(message.citations) ? message.citations : []) {
			const citation = this.citations.add(item);
			if (citation !== undefined) answer.refs.push({ at: -1, citation });
		}
		return answer.id;
	}

	/** A tool step began: what was written before it is not the answer. */
	toolStep(): void {
		this.answerStart = this.messages.length;
	}

	composed(): ComposedAnswer {
		return composeAnswer(this.messages.slice(this.answerStart), this.citations.entries);
	}

	/** The text written before the last tool step (a plan, an acknowledgement), as steps. */
	beforeAnswer(): Array<{ step: ChatStep; order: number }> {
		return this.messages
			.slice(0, this.answerStart)
			.filter((message) => message.hasText)
			.map((message) => ({
				step: { type: 'message', text: message.text.toString().trim() },
				order: message.order,
			}));
	}

	private keyOf(message: GleanChatMessage, streamed: boolean): string {
		const id =
			typeof message.messageId === 'string' && message.messageId !== ''
				? message.messageId
				: undefined;
		const key = id ?? (this.last?.goesOn ? this.last.key : `content:#${this.anonymousCount++}`);
		// Glean's spec example puts hasMoreFragments in agentConfig; its real lines, on the message.
		const more = message.hasMoreFragments ?? message.agentConfig?.hasMoreFragments;
		this.last = { key, goesOn: streamed ? more !== false : more === true };
		return key;
	}

	/** The message text under `key` goes to: a new one when that key's was written before the last tool step. */
	private messageFor(key: string, order: number): AnswerMessage {
		const known = this.byKey.get(key);
		if (known !== undefined && known.index >= this.answerStart) return known;
		const answer = new AnswerMessage(
			known === undefined ? key : `${key}#${this.messages.length}`,
			this.messages.length,
			order,
		);
		this.byKey.set(key, answer);
		this.messages.push(answer);
		return answer;
	}

	/** Passes text on live, a further message as a paragraph of its own. */
	private passOn(message: AnswerMessage, text: string): void {
		if (!this.onText) return;
		const tail = this.live?.message === message ? this.live.tail : '';
		if (this.live !== undefined && this.live.message !== message) {
			const separator = paragraphBreak(this.live.tail, text);
			if (separator !== '') this.onText(separator);
		}
		this.onText(text);
		// Enough to see whether the text passed on ends with a blank line.
		this.live = { message, tail: text.length >= 2 ? text.slice(-2) : tail.slice(-1) + text };
	}
}
