import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ChatStreamAggregator } from '../../helpers/chatStreamAggregator';
import { CHAT_QUEUED, CHAT_RESPONSE } from '../../helpers/gleanShapes';
import { gleanApiRequest, itemSecrets, redact } from '../../transport';
import { readAnswerFinish } from '../answerFormats';
import { isStreaming, runAsTool, textParameter } from '../common';
import { answerFailure } from '../errors';
import { answerItem, queuedItem } from './sendMessage/answerItem';
import { messageChat } from './sendMessage/chatSessions';
import { chatCall, readMessageRequest, sessionOf } from './sendMessage/chatRequest';
import { LiveAnswer } from '../liveAnswer';
import { readStreamedAnswer } from './sendMessage/streamedAnswer';

/**
 * Chat → Send Message: asks Glean (POST /chat, streamed or not) and outputs its answer. Its
 * parts: the editor's fields (sendMessage/description.ts), the request (chatRequest.ts), the
 * session's chat (chatSessions.ts), the streamed reading (streamedAnswer.ts) and the item
 * (answerItem.ts); the answer itself is assembled by helpers/chatStreamAggregator.ts.
 */

export { description } from './sendMessage/description';

/**
 * Messages of one session go one at a time, in input order, whatever the Concurrency (the router
 * orders items by this key): each continues the chat the one before it started or was queued on.
 */
export function orderingKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return sessionOf(this.getNodeParameter('options', itemIndex, {}) as IDataObject)?.key;
}

/** One message: the chat it continues, Glean's answer (live in n8n's chat when the run streams), the item. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const request = readMessageRequest(this, itemIndex);
	const finish = readAnswerFinish(this, itemIndex, request.options);
	const chat = messageChat(this, request.session, textParameter(this, itemIndex, 'chatId').trim());
	const call = chatCall(this, itemIndex, request, chat);
	// Anything quoted from Glean is shown without the token (the router redacts the output items too).
	const token = await itemSecrets.call(this, itemIndex);
	const clean = (text: string) => redact(text, token);
	// Live only when n8n streams this run to its caller, and not as an agent's tool: the chat's
	// user should see the agent's reply, not Glean's raw answer.
	const live =
		request.stream && isStreaming(this) && !runAsTool(this) ? new LiveAnswer(token) : undefined;
	const aggregator = new ChatStreamAggregator({
		keepRaw: !request.simplify,
		onAnswerDelta: live && ((text) => live.push(text)),
		cleanQuote: clean,
	});

	const response = await (
		request.stream
			? readStreamedAnswer.call(this, call, { aggregator, live, clean, itemIndex })
			: gleanApiRequest.call(
					this,
					call,
					(statusCode) => (statusCode === 202 ? CHAT_QUEUED : CHAT_RESPONSE),
					itemIndex,
				)
	).catch(async (error: unknown) => {
		chat.forgetIfRefused(error);
		throw error;
	});
	if (response.statusCode === 202) {
		const queued = queuedItem(response.body ?? {}, chat.chatId);
		chat.remember(typeof queued.chatId === 'string' ? queued.chatId : undefined);
		return [{ json: queued }];
	}
	if (!request.stream) aggregator.addResponse(response.body ?? {});
	// A chat Glean started stays the session's, even when this answer failed: the next message continues it.
	chat.remember(aggregator.chatIdOfAnswer ?? chat.chatId);
	const failure = answerFailure(this.getNode(), itemIndex, aggregator, clean);
	if (failure !== undefined) throw failure;
	return [{ json: answerItem(this, aggregator, request.simplify, finish) }];
}
