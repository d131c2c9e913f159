import type { IDataObject, INode, NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ChatStreamAggregator } from '../helpers/chatStreamAggregator';
import { notGleanAnswerError, operationError } from '../transport';

/** What an answer that failed part-way had received: a chat answer's or an agent run's aggregator. */
export interface PartialAnswer {
	hasContent: boolean;
	toSimplified(): object;
}

/**
 * An answer that failed part-way. The part received so far travels in the error's context,
 * marked partial, so the router can put it on the Continue On Fail error item.
 */
export function answerError(
	node: INode,
	itemIndex: number,
	message: string,
	aggregator: PartialAnswer,
	{ description }: { description: string },
): NodeOperationError {
	const error = operationError(node, message, { itemIndex, description });
	if (aggregator.hasContent) {
		error.context.partial = true;
		error.context.partialAnswer = aggregator.toSimplified() as IDataObject;
	}
	return error;
}

/**
 * Glean answered `200` but wrote no answer text: only steps, a plan, or empty `CONTENT` (agents
 * end like this when a tool is still pending). An answer of "" would pass as a fact downstream.
 * The steps travel as the partial answer.
 */
function unfinishedAnswerError(
	node: INode,
	itemIndex: number,
	aggregator: ChatStreamAggregator,
): NodeOperationError {
	const { steps } = aggregator.toSimplified();
	const done = steps.length > 0 ? ` after ${steps.length} step(s)` : '';
	return answerError(
		node,
		itemIndex,
		`Glean returned no answer text: the run ended${done} before Glean wrote its answer`,
		aggregator,
		{
			description:
				'This happens when an agent stops while a tool is still pending or a step failed. Run the item again; if it keeps happening, ask a more specific question, raise "Timeout (Ms)", or choose another agent. With Continue On Fail, the error item carries the steps Glean took.',
		},
	);
}

/**
 * Why a chat answer that arrived whole (stream ended cleanly, or a 200) is no answer, if it is
 * not: Glean reported an ERROR, the body held no message at all (not Glean's chat), or the run
 * ended before Glean wrote answer text. `clean` removes secrets from Glean's quoted words.
 */
export function answerFailure(
	node: INode,
	itemIndex: number,
	aggregator: ChatStreamAggregator,
	clean: (text: string) => string,
): NodeOperationError | NodeApiError | undefined {
	if (aggregator.error !== undefined) {
		return answerError(
			node,
			itemIndex,
			`Glean reported an error while answering: ${clean(aggregator.error)}`,
			aggregator,
			{
				description:
					'Glean stopped with this message. Try again, rephrase the question, or pick another agent.',
			},
		);
	}
	// Not even a step: nothing Glean's chat would send.
	if (!aggregator.hasContent)
		return notGleanAnswerError(node, itemIndex, {
			endpoint: 'chat',
			statusCode: 200,
			problem: 'a chat answer without any message',
			quote: '',
		});
	if (!aggregator.hasAnswerText) return unfinishedAnswerError(node, itemIndex, aggregator);
	return undefined;
}
