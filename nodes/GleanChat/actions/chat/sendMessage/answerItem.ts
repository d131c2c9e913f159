import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ChatStreamAggregator } from '../../../helpers/chatStreamAggregator';
import { withoutClosingOffer } from '../../../helpers/closingOffer';
import type { AnswerFinish } from '../../answerFormats';
import { finishedAnswer } from '../../answerFormats';
import { runAsTool } from '../../common';

/** The item Send Message outputs for Glean's answer: simplified, raw, for an AI Agent, or queued. */

/**
 * The answer as the item's JSON: what an AI Agent's model needs when it runs the node as its tool
 * (the text with numbered citation markers and the numbered sources with their links; steps,
 * follow-ups and timings would only fill its context), else the simplified answer, or Glean's
 * whole merged response with Simplify off.
 */
export function answerItem(
	context: IExecuteFunctions,
	aggregator: ChatStreamAggregator,
	simplify: boolean,
	finish: AnswerFinish,
): IDataObject {
	if (!runAsTool(context)) {
		if (!simplify) return aggregator.toRaw() as unknown as IDataObject;
		const simplified = aggregator.toSimplified() as unknown as IDataObject;
		if (finish.formats.length === 0 && !finish.dropClosingOffer) return simplified;
		const { answer, answerWithMarkers, citations } = aggregator.composedAnswer();
		// Spread over the simplified answer: `answer` and `markdown` keep their places, renderings follow.
		return {
			...simplified,
			...finishedAnswer({ answer, answerWithMarkers, sources: citations }, finish),
		};
	}
	const { answerWithMarkers, citations } = aggregator.composedAnswer();
	const result: IDataObject = {
		answer: finish.dropClosingOffer ? withoutClosingOffer(answerWithMarkers) : answerWithMarkers,
		sources: citations.map((citation, index) => ({
			number: index + 1,
			title: citation.title,
			url: citation.url,
		})),
	};
	const chatId = aggregator.chatIdOfAnswer;
	if (chatId !== undefined) result.chatId = chatId;
	return result;
}

/** Glean's `202` (another request runs on the chat) as an item: queued, not an error, not an empty answer. */
export function queuedItem(body: Record<string, unknown>, requestedChatId: string): IDataObject {
	const item: IDataObject = { queued: true };
	const chatId =
		typeof body.chatId === 'string' && body.chatId !== '' ? body.chatId : requestedChatId;
	if (chatId !== '') item.chatId = chatId;
	if (body.queuedRequestId !== undefined)
		item.queuedRequestId = body.queuedRequestId as IDataObject[string];
	if (body.isSavedToChatHistory !== undefined)
		item.isSavedToChatHistory = body.isSavedToChatHistory as IDataObject[string];
	return item;
}
