import { ServerSentEventParser } from './serverSentEvents';
import type { ServerSentEvent } from './serverSentEvents';
import { TextAccumulator } from './textAccumulator';

/**
 * A Glean agent run's answer, from the server-sent events of POST /agents/runs/stream or the
 * AgentRunWaitResponse of POST /agents/runs/wait (client_rest.yaml, tag Agents), as one result.
 * Pure; knows nothing of n8n.
 *
 * The stream, per Glean's spec: `message` events whose `data` is `{"messages":[{"role":"GLEAN_AI",
 * "content":[{"text":"Hello","type":"text"}]}]}`, each carrying the next piece of the text; the
 * stream closes when the run is done. "If execution fails after the stream has started, the
 * stream may terminate with an error message in a normal `message` event": Glean documents no
 * shape for it, so an `error` field in any event's data, and an event named like a failure
 * (Glean's platform API sends `run.failed` with `{"error":{"title","detail",…}}`), both end the
 * run as failed. Events with empty data, and events of other names, carry nothing here.
 */

/** One message of the run, its text blocks joined. */
export interface AgentMessage {
	role: string;
	text: string;
}

export interface SimplifiedAgentRun {
	/** The agent's answer: the text of its (GLEAN_AI) messages, separate messages as separate paragraphs. */
	answer: string;
	/** Glean's `run.status` (`success` or `error`); `success` for a stream that ended cleanly without an error. */
	status: string;
	messages: AgentMessage[];
}

interface MergedMessage {
	role: string;
	/** The message's ID, when Glean sends one. */
	messageId?: string;
	text: TextAccumulator;
	/** Content blocks that are not text, kept for the raw result. */
	otherContent: unknown[];
}

export interface AgentRunAggregatorOptions {
	/** Keep Glean's response as sent (for Simplify off). */
	keepRaw?: boolean;
	/** Called with each piece of answer text as it arrives (the live answer in n8n's chat). */
	onAnswerDelta?: (text: string) => void;
}

export class AgentRunAggregator {
	/** Events read (with data). */
	events = 0;

	/**
	 * The data of an event that is not JSON, when one came: the stream could not be read, and
	 * reading stopped there. Whole, so that secrets can be removed before it is cut for quoting.
	 */
	unreadableData: string | undefined;

	/** Set when reading stopped part-way (the stream broke or could not be read): the run counts as failed. */
	interrupted = false;

	/** Glean's words in an error event. */
	private failure: string | undefined;

	/** The stream ended inside an event: it was cut, not finished. */
	cut = false;

	private status: string | undefined;

	private readonly messages: MergedMessage[] = [];

	private readonly parser = new ServerSentEventParser();

	private raw: Record<string, unknown> = {};

	constructor(private readonly options: AgentRunAggregatorOptions = {}) {}

	/** Reads the next bytes of the event stream. */
	write(chunk: Uint8Array): void {
		if (this.unreadableData !== undefined) return;
		this.parser.push(chunk, (event) => this.event(event));
	}

	/** The stream closed: an event it was in the middle of marks it cut. */
	end(): void {
		if (this.unreadableData !== undefined) return;
		this.cut = this.parser.end((event) => this.event(event));
	}

	/** Reads a whole AgentRunWaitResponse (runs/wait, or a stream Glean answered whole). */
	addResponse(body: Record<string, unknown>): void {
		if (this.options.keepRaw) this.raw = body;
		this.events++;
		const run = asObject(body.run);
		if (typeof run?.status === 'string') this.status = run.status;
		for (const message of Array.isArray(body.messages) ? body.messages : [])
			this.add(message, true);
	}

	/** Glean's words when the run failed: an error event's, else the text of a run whose `status` is "error". */
	get error(): string | undefined {
		if (this.failure !== undefined) return this.failure;
		if (this.status !== 'error') return undefined;
		return this.lastAnswerMessage() || 'the run ended with status "error"';
	}

	/** Whether anything of the run arrived (for the partial answer of a failure). */
	get hasContent(): boolean {
		return this.messages.length > 0;
	}

	get hasAnswerText(): boolean {
		return this.answerText() !== '';
	}

	toSimplified(): SimplifiedAgentRun {
		return {
			answer: this.answerText(),
			status: this.failure !== undefined || this.interrupted ? 'error' : (this.status ?? 'success'),
			messages: this.messages.map(({ role, text }) => ({ role, text: text.toString() })),
		};
	}

	/**
	 * Glean's response with Simplify off: as sent when read whole; a stream merged into one
	 * AgentRunWaitResponse, its `run` completed from `request` (the run as sent: agent_id, input)
	 * as runs/wait gives it.
	 */
	toRaw(request: Record<string, unknown> = {}): Record<string, unknown> {
		if (Object.hasOwn(this.raw, 'messages')) return this.raw;
		const run = {
			...request,
			...(asObject(this.raw.run) ?? {}),
			status: this.toSimplified().status,
		};
		return {
			...this.raw,
			run,
			messages: this.messages.map(({ role, text, otherContent }) => ({
				role,
				content: [{ text: text.toString(), type: 'text' }, ...otherContent],
			})),
		};
	}

	/** The text of the agent's last answer message: where a structured output is, after any preamble. */
	lastAnswerMessage(): string {
		const answers = this.messages.filter((message) => ANSWER_ROLES.has(message.role.toUpperCase()));
		return answers.length > 0 ? answers[answers.length - 1].text.toString().trim() : '';
	}

	private answerText(): string {
		return this.messages
			.filter((message) => ANSWER_ROLES.has(message.role.toUpperCase()))
			.map((message) => message.text.toString().trim())
			.filter((text) => text !== '')
			.join('\n\n');
	}

	private event({ event, data }: ServerSentEvent): void {
		if (this.unreadableData !== undefined || data.trim() === '') return;
		let parsed: unknown;
		try {
			parsed = JSON.parse(data);
		} catch {
			this.unreadableData = data;
			return;
		}
		const body = asObject(parsed) ?? {};
		this.events++;
		const failed = /fail|error/i.test(event);
		this.failure ??=
			errorText(body.error) ?? (failed ? (errorText(body) ?? 'the run failed') : undefined);
		if (failed) return;
		const { messages, run, ...rest } = body;
		if (this.options.keepRaw) {
			Object.assign(this.raw, rest);
			if (asObject(run)) this.raw.run = { ...(asObject(this.raw.run) ?? {}), ...asObject(run) };
		}
		const status = asObject(run)?.status;
		if (typeof status === 'string') this.status = status;
		(Array.isArray(messages) ? messages : []).forEach((message, index) =>
			this.add(message, index > 0),
		);
	}

	/**
	 * A message, or the next piece of the last one: a streamed piece of the same role, and of the
	 * same message ID when pieces carry one (Glean's Message schema has none, so a stream's
	 * separate messages of one role can only be told apart when it adds one).
	 */
	private add(value: unknown, separate: boolean): void {
		const message = asObject(value);
		if (!message) return;
		const role = typeof message.role === 'string' ? message.role : 'GLEAN_AI';
		const id = message.messageId ?? message.id;
		const messageId = typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
		let merged = this.messages[this.messages.length - 1];
		if (separate || merged?.role !== role || merged.messageId !== messageId) {
			merged = { role, messageId, text: new TextAccumulator(), otherContent: [] };
			this.messages.push(merged);
		}
		for (const block of Array.isArray(message.content) ? message.content : []) {
			const content = asObject(block);
			if (typeof content?.text === 'string' && (content.type ?? 'text') === 'text') {
				merged.text.push(content.text);
				if (ANSWER_ROLES.has(role.toUpperCase())) this.options.onAnswerDelta?.(content.text);
			} else if (block !== undefined) {
				merged.otherContent.push(block);
			}
		}
	}
}

/** Roles whose text is the agent's answer (Glean's is GLEAN_AI). */
const ANSWER_ROLES = new Set(['GLEAN_AI', 'ASSISTANT', 'AI']);

/**
 * Glean's words for a failure: a non-empty string, or an error object's detail, message or
 * title; undefined when `error` says nothing (absent, empty, false, `{}`).
 */
function errorText(error: unknown): string | undefined {
	if (typeof error === 'string') return error.trim() === '' ? undefined : error;
	const object = asObject(error);
	if (!object) return undefined;
	for (const key of ['detail', 'message', 'title', 'error']) {
		const text = errorText(object[key]);
		if (text !== undefined) return text;
	}
	return undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}
