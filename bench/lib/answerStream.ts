import { createHash } from 'node:crypto';

import type { Conversation } from '../../test/emulator/conversation';
import { conversationLines, defaultConversation, toNdjson } from '../../test/emulator/conversation';

/**
 * Glean-shaped NDJSON answers of a chosen size: plan, search and read UPDATE lines, then the
 * answer as token-sized CONTENT deltas with an inline citation every few sentences, and the
 * closing line with follow-ups, exactly as the emulator's conversations stream them.
 */

const PARAGRAPH =
	'The Q4 roadmap moves the Atlas launch to October 14 and adds a beta for the new search UI. The launch checklist now requires a security review one week before release, and the “Atlas” team signed off on the plan 🚀. ';

export interface AnswerStream {
	body: Buffer;
	lines: number;
	/** The answer text the stream carries, in bytes (UTF-8). */
	answerBytes: number;
	/** The answer text itself, to check what every reader assembled. */
	answer: string;
	/** Its SHA-256, for checking it across processes. */
	answerSha256: string;
}

/**
 * About `megabytes` MB of NDJSON. `deltaWords` words per CONTENT line: 1 gives Glean's
 * token-sized deltas; larger values carry the same text in fewer, longer lines.
 */
export function answerStream(
	megabytes: number,
	{ deltaWords = 1, sameAnswerAs }: { deltaWords?: number; sameAnswerAs?: number } = {},
): AnswerStream {
	// The answer of a `sameAnswerAs` MB stream of 1-word lines, carried in `deltaWords`-word lines.
	if (sameAnswerAs !== undefined) return streamFor(paragraphsFor(sameAnswerAs, 1), deltaWords);
	return streamFor(paragraphsFor(megabytes, deltaWords), deltaWords);
}

function paragraphsFor(megabytes: number, deltaWords: number): number {
	const target = megabytes * 1024 * 1024;
	// Measure one paragraph's cost in stream bytes, then repeat it enough times.
	const sample = streamFor(4, deltaWords);
	const perParagraph = (sample.body.length - streamFor(0, deltaWords).body.length) / 4;
	return Math.max(1, Math.round((target - streamFor(0, deltaWords).body.length) / perParagraph));
}

function streamFor(paragraphs: number, deltaWords: number): AnswerStream {
	const conversation: Conversation = defaultConversation('What changed in the roadmap?');
	conversation.legacyCitations = false;
	// One long answer message, no plan before it: every reader's text is then the answer (B3 times an agentic answer).
	delete conversation.intro;
	conversation.answer = [];
	for (let index = 0; index < paragraphs; index++) {
		conversation.answer.push(PARAGRAPH, { cite: index % conversation.documents.length });
	}
	let lines = conversationLines(conversation);
	if (deltaWords > 1) lines = mergeDeltas(lines, deltaWords);
	const body = Buffer.from(toNdjson(lines));
	const answer = PARAGRAPH.repeat(paragraphs);
	return {
		body,
		lines: lines.length,
		answerBytes: Buffer.byteLength(answer),
		answer,
		answerSha256: sha256(answer),
	};
}

export function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

type Line = Record<string, unknown>;

/** Joins runs of `words` consecutive text-only CONTENT lines into one line each. */
function mergeDeltas(lines: Line[], words: number): Line[] {
	const merged: Line[] = [];
	let run: Line[] = [];
	const flush = () => {
		if (run.length === 0) return;
		const first = run[0];
		const message = { ...(first.messages as Line[])[0] };
		message.fragments = [{ text: run.map((line) => textOf(line)).join('') }];
		merged.push({ ...first, messages: [message] });
		run = [];
	};
	for (const line of lines) {
		if (textOf(line) === undefined) {
			flush();
			merged.push(line);
			continue;
		}
		run.push(line);
		if (run.length === words) flush();
	}
	flush();
	return merged;
}

function textOf(line: Line): string | undefined {
	const messages = line.messages as Line[] | undefined;
	if (!messages || messages.length !== 1 || messages[0].messageType !== 'CONTENT') return undefined;
	const fragments = messages[0].fragments as Line[] | undefined;
	if (
		!fragments ||
		fragments.length !== 1 ||
		typeof fragments[0].text !== 'string' ||
		Object.keys(fragments[0]).length !== 1
	) {
		return undefined;
	}
	return fragments[0].text;
}
