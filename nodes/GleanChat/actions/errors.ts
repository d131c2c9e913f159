import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ChatStreamAggregator } from '../helpers/chatStreamAggregator';

/**
 * An answer that failed part-way. The part received so far travels in the error's context,
 * marked partial, so the router can put it on the Continue On Fail error item.
 */
export function answerError(
	node: INode,
	itemIndex: number,
	message: string,
	aggregator: ChatStreamAggregator,
	{ description }: { description: string },
): NodeOperationError {
	const error = new NodeOperationError(node, message, { itemIndex, description });
	if (aggregator.hasContent) {
		error.context.partial = true;
		error.context.partialAnswer = aggregator.toSimplified();
	}
	return error;
}
