import { answerProblem, CHAT_RESPONSE, shapeProblem } from './gleanShapes';
import type { GleanChatResponse } from './gleanTypes';

/** One line of Glean's streamed answer, read. Pure; knows nothing of n8n. */

export type ChatLine =
	| { response: GleanChatResponse }
	| {
			/** What the line is instead of a JSON object. */
			problem: string;
			/**
			 * On the first line only: what the whole body is instead of Glean's answer (an HTML page,
			 * a proxy's text, another API's JSON), as the first line tells.
			 */
			bodyProblem?: string;
	  };

/** Parses line `lineNumber` (1-based): a ChatResponse, or what is wrong with it. */
export function readChatLine(line: string, lineNumber: number): ChatLine {
	let parsed: unknown;
	try {
		parsed = JSON.parse(line);
	} catch {
		parsed = undefined;
	}
	// The first line tells whether this is Glean's answer at all (not a sign-in page, not another API's JSON).
	const bodyProblem =
		lineNumber === 1
			? parsed === undefined
				? answerProblem(line, CHAT_RESPONSE)
				: shapeProblem(parsed, CHAT_RESPONSE)
			: undefined;
	if (
		bodyProblem === undefined &&
		parsed !== null &&
		typeof parsed === 'object' &&
		!Array.isArray(parsed)
	) {
		return { response: parsed as GleanChatResponse };
	}
	return { problem: `line ${lineNumber} is not a JSON object`, bodyProblem };
}
