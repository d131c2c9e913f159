import type {
	GleanAgentConfig,
	GleanChatMessage,
	GleanChatResponse,
	GleanCitation,
	GleanFragment,
} from './gleanTypes';
import { citationKey, compact, simplifyCitation, stringOrUndefined } from './citations';
import type { SimplifiedCitation } from './citations';
import { NdjsonLineSplitter } from './ndjsonLineSplitter';
import { TextAccumulator } from './textAccumulator';

/**
 * Aggregates Glean's chat answer, streamed (NDJSON, one ChatResponse per line) or whole (one
 * ChatResponse), into one simplified answer and, on request, one merged raw ChatResponse.
 * Knows nothing of n8n. Every piece of text is appended to an array and joined once at the
 * end, so the work stays linear in the size of the body.
 */

export type { SimplifiedCitation };

export interface ChatStep {
	type: 'plan' | 'search' | 'read' | 'write' | 'update';
	text: string;
	stepId?: string;
	queries?: string[];
	documents?: Array<{ title?: string; url?: string; datasource?: string }>;
	complete?: boolean;
}

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
	/** Called with each piece of answer text as soon as it is read. */
	onAnswerDelta?: (text: string) => void;
	/** Cleans text quoted in `formatError` (e.g. removes a secret) before it is cut short. */
	cleanQuote?: (text: string) => string;
}

interface AnswerMessage {
	text: TextAccumulator;
	/** Where inline citations stand in the text (offset in `text`), for the markdown. */
	markers: Array<{ at: number; number: number }>;
}

interface RawFragment {
	fields: GleanFragment;
	/** Text of this fragment and of the plain-text deltas merged into it. */
	text?: TextAccumulator;
}

interface RawMessage {
	fields: Record<string, unknown>;
	fragments: RawFragment[];
	citations: GleanCitation[];
}

const STEP_PREFIXES: Array<[RegExp, ChatStep['type']]> = [
	[/^\s*\*\*Searching:\*\*\s*/, 'search'],
	[/^\s*\*\*Reading:\*\*\s*/, 'read'],
	[/^\s*\*\*Writing:\*\*\s*/, 'write'],
];

export class ChatStreamAggregator {
	private readonly splitter = new NdjsonLineSplitter();

	private readonly keepRaw: boolean;

	private readonly onAnswerDelta?: (text: string) => void;

	private readonly cleanQuote: (text: string) => string;

	private lineCount = 0;

	private malformed?: string;

	private readonly answerMessages = new Map<string, AnswerMessage>();

	private readonly citationIndex = new Map<string, number>();

	private readonly citations: SimplifiedCitation[] = [];

	private readonly steps = new Map<string, ChatStep & { textParts: TextAccumulator }>();

	private readonly completedStepIds = new Set<string>();

	private readonly errorParts = new TextAccumulator();

	private hasError = false;

	private agent?: { agent?: string; mode?: string };

	private chatId?: string;

	private followUpPrompts: string[] = [];

	private backendTimeMillis?: number;

	private readonly rawTop: Record<string, unknown> = {};

	private readonly rawMessages = new Map<string, RawMessage>();

	constructor(options: ChatStreamAggregatorOptions = {}) {
		this.keepRaw = options.keepRaw ?? false;
		this.onAnswerDelta = options.onAnswerDelta;
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

	/** Feeds a whole ChatResponse (a non-streamed answer, or one already parsed line). */
	addResponse(response: GleanChatResponse): void {
		// for…in, not Object.entries: this runs once per streamed line.
		for (const key in response) {
			if (key === 'messages') continue;
			const value = response[key];
			if (key === 'chatId' && typeof value === 'string' && value !== '') this.chatId = value;
			else if (key === 'followUpPrompts' && Array.isArray(value) && value.length > 0)
				this.followUpPrompts = value.filter((prompt): prompt is string => typeof prompt === 'string');
			else if (key === 'backendTimeMillis' && typeof value === 'number') this.backendTimeMillis = value;
			if (this.keepRaw && value !== undefined && value !== null) this.rawTop[key] = value;
		}
		const messages = response.messages ?? [];
		for (let index = 0; index < messages.length; index++) {
			const message = messages[index];
			if (message && typeof message === 'object') this.addMessage(message, index);
		}
	}

	/** Lines read so far. */
	get lines(): number {
		return this.lineCount;
	}

	/**
	 * Set when a line was not a JSON object; nothing after it is read, because the rest of the
	 * answer can no longer be trusted. The caller decides how to fail.
	 */
	get formatError(): string | undefined {
		return this.malformed;
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
		return this.answerMessages.size > 0 || this.steps.size > 0 || this.citations.length > 0;
	}

	toSimplified(): SimplifiedChatAnswer {
		const answerParts: string[] = [];
		const markdownParts: string[] = [];
		for (const message of this.answerMessages.values()) {
			const text = message.text.toString();
			answerParts.push(text);
			markdownParts.push(withMarkers(text, message.markers));
		}
		const answer = answerParts.join('');
		const result: SimplifiedChatAnswer = {
			answer,
			citations: this.citations.map((citation) => ({ ...citation })),
			followUpPrompts: [...this.followUpPrompts],
			steps: [...this.steps.values()].map(({ textParts, ...step }) => {
				const text = textParts.toString().trim();
				const complete =
					step.complete === true || (step.stepId !== undefined && this.completedStepIds.has(step.stepId));
				return { ...step, text, ...(complete ? { complete: true } : {}) };
			}),
			markdown: buildMarkdown(markdownParts.join(''), this.citations),
		};
		if (this.chatId !== undefined) result.chatId = this.chatId;
		if (this.agent !== undefined) result.agent = { ...this.agent };
		if (this.backendTimeMillis !== undefined) result.backendTimeMillis = this.backendTimeMillis;
		return reorder(result);
	}

	/** The merged ChatResponse: messages merged by messageId, text deltas concatenated. */
	toRaw(): GleanChatResponse {
		if (!this.keepRaw) throw new Error('ChatStreamAggregator was created without keepRaw');
		const messages: GleanChatMessage[] = [];
		for (const message of this.rawMessages.values()) {
			const merged: GleanChatMessage = { ...message.fields };
			if (message.fragments.length > 0) {
				merged.fragments = message.fragments.map((fragment) =>
					fragment.text ? { ...fragment.fields, text: fragment.text.toString() } : fragment.fields,
				);
			}
			if (message.citations.length > 0) merged.citations = message.citations;
			messages.push(merged);
		}
		return { ...this.rawTop, messages };
	}

	private addLine(line: string): void {
		if (this.malformed !== undefined) return;
		this.lineCount++;
		let parsed: unknown;
		try {
			parsed = JSON.parse(line);
		} catch {
			parsed = undefined;
		}
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
			this.malformed = `line ${this.lineCount} is not a JSON object: ${excerpt(this.cleanQuote(line))}`;
			return;
		}
		this.addResponse(parsed as GleanChatResponse);
	}

	private addMessage(message: GleanChatMessage, index: number): void {
		const key =
			typeof message.messageId === 'string' && message.messageId !== ''
				? message.messageId
				: `${message.author ?? 'GLEAN_AI'}:${message.messageType ?? 'CONTENT'}:${index}`;
		const author = message.author ?? 'GLEAN_AI';
		const type = message.messageType ?? 'CONTENT';
		const fragments = Array.isArray(message.fragments) ? message.fragments : [];

		if (this.keepRaw) this.mergeRaw(key, message, fragments);

		if (type === 'ERROR') {
			this.hasError = true;
			for (const fragment of fragments) if (typeof fragment?.text === 'string') this.errorParts.push(fragment.text);
			return;
		}
		if (author !== 'GLEAN_AI') return;
		if (type === 'CONTENT') {
			if (this.agent === undefined && message.agentConfig) this.agent = pickAgent(message.agentConfig);
			this.addAnswerFragments(key, fragments);
			if (Array.isArray(message.citations)) {
				for (const citation of message.citations) this.addCitation(citation);
			}
		} else if (type === 'UPDATE') {
			this.addStep(key, message, fragments);
		}
	}

	private addAnswerFragments(key: string, fragments: GleanFragment[]): void {
		let answer = this.answerMessages.get(key);
		if (answer === undefined) {
			answer = { text: new TextAccumulator(), markers: [] };
			this.answerMessages.set(key, answer);
		}
		for (const fragment of fragments) {
			if (!fragment || typeof fragment !== 'object') continue;
			if (typeof fragment.text === 'string' && fragment.text !== '') {
				answer.text.push(fragment.text);
				this.onAnswerDelta?.(fragment.text);
			}
			if (fragment.citation && typeof fragment.citation === 'object') {
				const number = this.addCitation(fragment.citation);
				if (number !== undefined) answer.markers.push({ at: answer.text.length, number });
			}
		}
	}

	/** Adds a citation once; returns its 1-based number. */
	private addCitation(citation: GleanCitation | null | undefined): number | undefined {
		if (!citation || typeof citation !== 'object') return undefined;
		const simplified = simplifyCitation(citation);
		const key = citationKey(simplified, citation);
		const known = this.citationIndex.get(key);
		if (known !== undefined) return known;
		this.citations.push(simplified);
		const number = this.citations.length;
		this.citationIndex.set(key, number);
		return number;
	}

	private addStep(key: string, message: GleanChatMessage, fragments: GleanFragment[]): void {
		const stepId = typeof message.stepId === 'string' ? message.stepId : undefined;
		if (message.isStepComplete === true && stepId !== undefined) this.completedStepIds.add(stepId);
		let step = this.steps.get(key);
		if (fragments.length === 0) {
			if (step && message.isStepComplete === true) step.complete = true;
			return;
		}
		if (step === undefined) {
			step = { type: 'plan', text: '', textParts: new TextAccumulator() };
			if (stepId !== undefined) step.stepId = stepId;
			this.steps.set(key, step);
		}
		for (const fragment of fragments) {
			if (!fragment || typeof fragment !== 'object') continue;
			if (typeof fragment.text === 'string' && fragment.text !== '') {
				let text = fragment.text;
				if (step.textParts.length === 0) {
					for (const [prefix, type] of STEP_PREFIXES) {
						if (prefix.test(text)) {
							step.type = type;
							text = text.replace(prefix, '');
							break;
						}
					}
				}
				if (text !== '') step.textParts.push(text);
			}
			const query = fragment.querySuggestion?.query;
			if (typeof query === 'string' && query !== '') {
				if (step.type === 'plan') step.type = 'search';
				(step.queries ??= []).push(query);
			}
			if (Array.isArray(fragment.structuredResults)) {
				for (const result of fragment.structuredResults) {
					const document = result?.document;
					if (!document || typeof document !== 'object') continue;
					if (step.type === 'plan') step.type = 'read';
					(step.documents ??= []).push(
						compact({
							title: stringOrUndefined(document.title),
							url: stringOrUndefined(document.url),
							datasource: stringOrUndefined(document.datasource ?? document.metadata?.datasource),
						}),
					);
				}
			}
		}
		if (message.isStepComplete === true) step.complete = true;
	}

	private mergeRaw(key: string, message: GleanChatMessage, fragments: GleanFragment[]): void {
		let raw = this.rawMessages.get(key);
		if (raw === undefined) {
			raw = { fields: {}, fragments: [], citations: [] };
			this.rawMessages.set(key, raw);
		}
		for (const [field, value] of Object.entries(message)) {
			if (field === 'fragments' || field === 'citations') continue;
			if (value !== undefined) raw.fields[field] = value;
		}
		for (const fragment of fragments) {
			if (!fragment || typeof fragment !== 'object') continue;
			const last = raw.fragments[raw.fragments.length - 1];
			if (isPlainText(fragment) && last?.text) {
				last.text.push(fragment.text as string);
			} else if (isPlainText(fragment)) {
				const text = new TextAccumulator();
				text.push(fragment.text as string);
				raw.fragments.push({ fields: fragment, text });
			} else {
				raw.fragments.push({ fields: fragment });
			}
		}
		if (Array.isArray(message.citations)) raw.citations.push(...message.citations);
	}
}

function isPlainText(fragment: GleanFragment): boolean {
	if (typeof fragment.text !== 'string') return false;
	for (const key in fragment) if (key !== 'text') return false;
	return true;
}

function pickAgent(config: GleanAgentConfig): { agent?: string; mode?: string } {
	return compact({ agent: stringOrUndefined(config.agent), mode: stringOrUndefined(config.mode) });
}

/** The text with `[n]` where each inline citation stood. */
function withMarkers(text: string, markers: AnswerMessage['markers']): string {
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

function buildMarkdown(answerWithMarkers: string, citations: SimplifiedCitation[]): string {
	if (citations.length === 0) return answerWithMarkers;
	const sources = citations.map((citation, index) => {
		const title = (citation.title ?? citation.url ?? 'Source').replace(/[[\]]/g, '');
		return citation.url ? `${index + 1}. [${title}](${citation.url})` : `${index + 1}. ${title}`;
	});
	return `${answerWithMarkers}\n\n**Sources**\n${sources.join('\n')}`;
}

/** Fixed key order, so items read the same whichever line carried which field. */
function reorder(answer: SimplifiedChatAnswer): SimplifiedChatAnswer {
	return {
		answer: answer.answer,
		...(answer.chatId !== undefined ? { chatId: answer.chatId } : {}),
		citations: answer.citations,
		followUpPrompts: answer.followUpPrompts,
		steps: answer.steps,
		...(answer.agent !== undefined ? { agent: answer.agent } : {}),
		...(answer.backendTimeMillis !== undefined ? { backendTimeMillis: answer.backendTimeMillis } : {}),
		markdown: answer.markdown,
	};
}

function excerpt(line: string): string {
	return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
