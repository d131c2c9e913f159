import { answerMarkdown, AnswerMessages } from './answerText';
import type { ComposedAnswer } from './answerText';
import type { ChatStep } from './chatSteps';
import { StepCollector } from './chatSteps';
import { compact, stringOrUndefined } from './citations';
import type { SimplifiedCitation } from './citations';
import { readChatLine } from './chatLine';
import type { GleanAgentConfig, GleanChatMessage, GleanChatResponse } from './gleanTypes';
import { NdjsonLineSplitter } from './ndjsonLineSplitter';
import { RawChatResponse } from './rawChatResponse';
import { TextAccumulator } from './textAccumulator';

/**
 * Aggregates Glean's chat answer, streamed (NDJSON, one ChatResponse per line) or whole (one
 * ChatResponse), into the answer Glean means and, on request, one merged raw ChatResponse.
 * Knows nothing of n8n. Text is appended to accumulators and joined once at the end, so the
 * work stays linear in the size of the body.
 *
 * The answer is the `GLEAN_AI` `CONTENT` written after Glean's last tool step (a new `UPDATE`
 * step with content; a line that continues a step or only marks it complete does not count):
 * agentic answers first write a plan as `CONTENT`, run their tools, then answer, and the plan
 * goes to `steps`. Separate answer messages are separate paragraphs (see AnswerMessages).
 */

export type { ChatStep, ComposedAnswer, SimplifiedCitation };

export interface SimplifiedChatAnswer {
	answer: string;
	chatId?: string;
	citations: SimplifiedCitation[];
	followUpPrompts: string[];
	steps: ChatStep[];
	agent?: { agent?: string; mode?: string };
	backendTimeMillis?: number;
	markdown: string;
}

export interface ChatStreamAggregatorOptions {
	/** Keep everything needed to rebuild the merged raw response (costs memory per line). */
	keepRaw?: boolean;
	/**
	 * Called with each piece of `CONTENT` text as soon as it is read, and with a paragraph break
	 * before the first text of each further message. Whether a message is a plan is known only
	 * when a tool step follows it, so plans are passed on too, as their own paragraph.
	 */
	onAnswerDelta?: (text: string) => void;
	/** Cleans text quoted in `formatError` (e.g. removes a secret) before it is cut short. */
	cleanQuote?: (text: string) => string;
}

export class ChatStreamAggregator {
	private readonly splitter = new NdjsonLineSplitter();

	private readonly raw?: RawChatResponse;

	private readonly cleanQuote: (text: string) => string;

	private lineCount = 0;

	private malformed?: { line: number; problem: string; bodyProblem?: string; quote?: string };

	/** Order of appearance of each message read, steps and answer messages alike. */
	private sequence = 0;

	private readonly answers: AnswerMessages;

	private readonly steps = new StepCollector();

	private readonly errorParts = new TextAccumulator();

	private hasError = false;

	private agent?: { agent?: string; mode?: string };

	private chatId?: string;

	private followUpPrompts: string[] = [];

	private backendTimeMillis?: number;

	private anonymousCount = 0;

	constructor(options: ChatStreamAggregatorOptions = {}) {
		if (options.keepRaw) this.raw = new RawChatResponse();
		this.answers = new AnswerMessages(options.onAnswerDelta);
		this.cleanQuote = options.cleanQuote ?? ((text) => text);
	}

	/** Feeds one chunk of the NDJSON body. */
	write(chunk: Uint8Array | string): void {
		this.splitter.push(chunk, (line) => this.addLine(line));
	}

	/** The body ended: reads a last line that had no newline. */
	end(): void {
		this.splitter.end((line) => this.addLine(line));
	}

	/** Feeds a whole (non-streamed) ChatResponse. */
	addResponse(response: GleanChatResponse): void {
		this.addChatResponse(response, false);
	}

	/** Lines read so far. */
	get lines(): number {
		return this.lineCount;
	}

	/**
	 * Set when a line was not a JSON object (or the first line not a ChatResponse); nothing after
	 * it is read, because the rest of the answer can no longer be trusted. The caller decides how
	 * to fail.
	 */
	get formatError(): string | undefined {
		return this.malformed?.problem;
	}

	/**
	 * Set when the body was not Glean's from its first line on (an HTML page, a proxy's text, JSON
	 * of another shape): what it was instead, and its beginning (cleaned, up to 120 characters).
	 */
	get notGleanStream(): { problem: string; quote: string } | undefined {
		const { bodyProblem, quote } = this.malformed ?? {};
		return bodyProblem !== undefined && quote !== undefined
			? { problem: bodyProblem, quote }
			: undefined;
	}

	/** Glean's text when the answer carried an ERROR message. */
	get error(): string | undefined {
		if (!this.hasError) return undefined;
		const text = this.errorParts.toString().trim();
		return text === '' ? 'Glean reported an error without details' : text;
	}

	/** The chat ID Glean sent with the answer, if any. */
	get chatIdOfAnswer(): string | undefined {
		return this.chatId;
	}

	/** Whether any answer text, citation or step has been read. */
	get hasContent(): boolean {
		return this.answers.any || this.steps.size > 0;
	}

	/** Whether the answer (the `CONTENT` after the last tool step) has text: false for an unfinished run. */
	get hasAnswerText(): boolean {
		return this.answers.answered;
	}

	/** The answer's text, the same with `[n]` citation markers, and its numbered sources. */
	composedAnswer(): ComposedAnswer {
		return this.answers.composed();
	}

	toSimplified(): SimplifiedChatAnswer {
		const composed = this.answers.composed();
		const steps = [...this.steps.toSteps(), ...this.answers.beforeAnswer()]
			.sort((a, b) => a.order - b.order)
			.map(({ step }) => step);
		// Fixed key order, so items read the same whichever line carried which field.
		return {
			answer: composed.answer,
			...(this.chatId !== undefined ? { chatId: this.chatId } : {}),
			citations: composed.citations,
			followUpPrompts: [...this.followUpPrompts],
			steps,
			...(this.agent !== undefined ? { agent: { ...this.agent } } : {}),
			...(this.backendTimeMillis !== undefined
				? { backendTimeMillis: this.backendTimeMillis }
				: {}),
			markdown: answerMarkdown(composed.answerWithMarkers, composed.citations),
		};
	}

	/** The merged ChatResponse: messages merged by messageId, text deltas concatenated. */
	toRaw(): GleanChatResponse {
		if (!this.raw) throw new Error('ChatStreamAggregator was created without keepRaw');
		return this.raw.toResponse();
	}

	private addLine(line: string): void {
		if (this.malformed !== undefined) return;
		this.lineCount++;
		const read = readChatLine(line, this.lineCount);
		if ('response' in read) return this.addChatResponse(read.response, true);
		const quote = excerpt(this.cleanQuote(line));
		this.malformed = {
			line: this.lineCount,
			problem: `${read.problem}: ${quote}`,
			bodyProblem: read.bodyProblem,
			quote,
		};
	}

	private addChatResponse(response: GleanChatResponse, streamed: boolean): void {
		// for…in, not Object.entries: this runs once per streamed line.
		for (const key in response) {
			if (key === 'messages') continue;
			const value = response[key];
			if (key === 'chatId' && typeof value === 'string' && value !== '') this.chatId = value;
			else if (key === 'followUpPrompts' && Array.isArray(value) && value.length > 0)
				this.followUpPrompts = value.filter(
					(prompt): prompt is string => typeof prompt === 'string',
				);
			else if (key === 'backendTimeMillis' && typeof value === 'number')
				this.backendTimeMillis = value;
			this.raw?.setField(key, value);
		}
		const messages = response.messages ?? [];
		for (const message of messages)
			if (message && typeof message === 'object') this.addMessage(message, streamed);
	}

	private addMessage(message: GleanChatMessage, streamed: boolean): void {
		const author = message.author ?? 'GLEAN_AI';
		const type = message.messageType ?? 'CONTENT';
		const fragments = Array.isArray(message.fragments) ? message.fragments : [];
		const order = this.sequence++;
		if (author === 'GLEAN_AI' && type === 'CONTENT') {
			if (this.agent === undefined && message.agentConfig)
				this.agent = pickAgent(message.agentConfig);
			const key = this.answers.add(message, fragments, order, streamed);
			this.raw?.addMessage(key, message, fragments);
			return;
		}
		const id =
			typeof message.messageId === 'string' && message.messageId !== ''
				? message.messageId
				: undefined;
		const key = id ?? `${author}:${type}:#${this.anonymousCount++}`;
		this.raw?.addMessage(key, message, fragments);
		if (type === 'ERROR') {
			this.hasError = true;
			for (const fragment of fragments)
				if (typeof fragment?.text === 'string') this.errorParts.push(fragment.text);
		} else if (
			author === 'GLEAN_AI' &&
			type === 'UPDATE' &&
			this.steps.add(key, message, fragments, order)
		) {
			this.answers.toolStep();
		}
	}
}

function pickAgent(config: GleanAgentConfig): { agent?: string; mode?: string } {
	return compact({ agent: stringOrUndefined(config.agent), mode: stringOrUndefined(config.mode) });
}

function excerpt(line: string): string {
	return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
