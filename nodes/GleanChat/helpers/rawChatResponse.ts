import type {
	GleanChatMessage,
	GleanChatResponse,
	GleanCitation,
	GleanFragment,
} from './gleanTypes';
import { TextAccumulator } from './textAccumulator';

/**
 * Rebuilds one ChatResponse from streamed lines, for output with Simplify off: top-level fields
 * as last sent, messages merged by key (Glean's `messageId`), plain-text deltas concatenated,
 * every other fragment and every field kept as Glean sent it. Pure; knows nothing of n8n.
 */

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

export class RawChatResponse {
	private readonly top: Record<string, unknown> = {};

	private readonly messages = new Map<string, RawMessage>();

	/** Keeps a top-level field (not `messages`) as last sent. */
	setField(key: string, value: unknown): void {
		if (value !== undefined && value !== null) this.top[key] = value;
	}

	/** Merges one message (or one streamed line of it) into the message stored under `key`. */
	addMessage(key: string, message: GleanChatMessage, fragments: GleanFragment[]): void {
		let raw = this.messages.get(key);
		if (raw === undefined) {
			raw = { fields: {}, fragments: [], citations: [] };
			this.messages.set(key, raw);
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

	toResponse(): GleanChatResponse {
		const messages: GleanChatMessage[] = [];
		for (const message of this.messages.values()) {
			const merged: GleanChatMessage = { ...message.fields };
			if (message.fragments.length > 0) {
				merged.fragments = message.fragments.map((fragment) =>
					fragment.text ? { ...fragment.fields, text: fragment.text.toString() } : fragment.fields,
				);
			}
			if (message.citations.length > 0) merged.citations = message.citations;
			messages.push(merged);
		}
		return { ...this.top, messages };
	}
}

function isPlainText(fragment: GleanFragment): boolean {
	if (typeof fragment.text !== 'string') return false;
	for (const key in fragment) if (key !== 'text') return false;
	return true;
}
