import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { structuredOutput } from '../../helpers/agentForm';
import { AgentRunAggregator } from '../../helpers/agentRunAggregator';
import { AGENT_RUN_WAIT_RESPONSE } from '../../helpers/gleanShapes';
import { gleanApiRequest, itemSecrets, redact } from '../../transport';
import { finishedAnswer } from '../answerFormats';
import { isStreaming, runAsTool } from '../common';
import { LiveAnswer } from '../liveAnswer';
import type { RunRequest } from './run/runRequest';
import { readRunRequest } from './run/runRequest';
import { readStreamedRun, runFailure } from './run/streamedRun';

/**
 * Agent → Run: runs a Glean agent (POST agents/runs/stream, or agents/runs/wait with Stream off)
 * with its input form filled from the item, and outputs its answer. Its parts: the editor's
 * fields (run/description.ts), the request (run/runRequest.ts) and the streamed reading
 * (run/streamedRun.ts); the answer itself is assembled by helpers/agentRunAggregator.ts.
 */

export { description } from './run/description';

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const request = await readRunRequest(this, itemIndex);
	const token = await itemSecrets.call(this, itemIndex);
	const clean = (text: string) => redact(text, token);
	// Live only when n8n streams this run to its caller, and not as an AI Agent's tool.
	const live =
		request.stream && isStreaming(this) && !runAsTool(this) ? new LiveAnswer(token) : undefined;
	const aggregator = new AgentRunAggregator({
		keepRaw: !request.simplify,
		onAnswerDelta: live && ((text) => live.push(text)),
	});
	if (request.stream) {
		await readStreamedRun.call(this, request.call, { aggregator, live, clean, itemIndex });
	} else {
		const { body } = await gleanApiRequest.call(
			this,
			request.call,
			AGENT_RUN_WAIT_RESPONSE,
			itemIndex,
		);
		aggregator.addResponse(body ?? {});
	}
	const failure = runFailure(this.getNode(), { aggregator, clean, itemIndex });
	if (failure !== undefined) throw failure;
	return [{ json: runItem(this, aggregator, request) }];
}

/**
 * The run as the item's JSON: simplified (`answer`, `status`, `messages`, `agentId`, and `output`
 * when the agent's output schema defines structured output and its answer is that JSON), Glean's
 * whole response with Simplify off, or for an AI Agent's model only the answer (and output).
 */
function runItem(
	context: IExecuteFunctions,
	aggregator: AgentRunAggregator,
	{ simplify, structured, agentId, call, finish }: RunRequest,
): IDataObject {
	const simplified = aggregator.toSimplified();
	// The whole answer, else its last message (a preamble may come before the JSON).
	const output = structured
		? (structuredOutput(simplified.answer) ?? structuredOutput(aggregator.lastAnswerMessage()))
		: undefined;
	const finished = finishedAnswer({ answer: simplified.answer, sources: [] }, finish);
	if (runAsTool(context)) {
		return output === undefined
			? { answer: finished.answer }
			: { answer: finished.answer, output: output as IDataObject };
	}
	if (!simplify) {
		const { agent_id, input } = (call.body ?? {}) as IDataObject;
		return aggregator.toRaw({ agent_id, ...(input !== undefined ? { input } : {}) }) as IDataObject;
	}
	const item: IDataObject = { ...simplified, ...finished, agentId } as unknown as IDataObject;
	if (output !== undefined) item.output = output as IDataObject;
	return item;
}
