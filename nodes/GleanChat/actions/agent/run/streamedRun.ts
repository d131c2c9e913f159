import type { IExecuteFunctions, INode, NodeOperationError } from 'n8n-workflow';

import type { AgentRunAggregator } from '../../../helpers/agentRunAggregator';
import { AGENT_RUN_WAIT_RESPONSE } from '../../../helpers/gleanShapes';
import type { GleanCall } from '../../../transport';
import {
	BASE_URL_HINT,
	checkedAnswer,
	cut,
	gleanApiStreamRequest,
	headerValue,
	itemSecrets,
	readText,
} from '../../../transport';
import { answerError } from '../../errors';
import type { LiveAnswer } from '../../liveAnswer';
import { readFailure } from '../../readFailure';

/** An HTML page is read this far for the error's quote, and no further. */
const MAX_PAGE_BYTES = 64 * 1024;

/** Said of every run that stopped part-way: agents can act before they answer. */
const ACTIONS_CAUTION =
	'The agent may have taken actions before it stopped: check its runs in Glean before running the item again.';

/** Where a streamed run goes: the aggregator, the live chat (when n8n streams the run), and how Glean's words are cleaned. */
export interface RunReading {
	aggregator: AgentRunAggregator;
	live?: LiveAnswer;
	/** Removes secrets from text quoted from Glean. */
	clean: (text: string) => string;
	itemIndex: number;
}

/**
 * Sends a streamed run (POST agents/runs/stream) and reads its server-sent events into the
 * aggregator as they arrive, forwarding the agent's text live (n8n's `sendChunk`: begin, item…,
 * then end, or error with the reason) when the run streams. A JSON body (Glean answering whole)
 * is read whole.
 * @throws NodeApiError when the body is not Glean's (an HTML page, JSON of another API);
 * NodeOperationError when the stream breaks, stalls, is cut or cannot be read (carrying the part
 * read), when the run fails, or when it ends without answer text.
 */
export async function readStreamedRun(
	this: IExecuteFunctions,
	call: GleanCall,
	reading: RunReading,
): Promise<void> {
	const { aggregator, live, itemIndex } = reading;
	const response = await gleanApiStreamRequest.call(this, call, itemIndex);
	const contentType = headerValue(response.headers, 'content-type') ?? '';
	if (!/^\s*text\/event-stream\s*(;|$)/i.test(contentType)) {
		// Not labelled as events: Glean's whole JSON answer, a page that is not Glean's, or events
		// a proxy relabelled; read whole.
		const page = /^\s*text\/html\b/i.test(contentType);
		let text: string;
		try {
			text = await readText(response.body, page ? MAX_PAGE_BYTES : Infinity);
		} catch (error) {
			throw stoppedError(this.getNode(), reading, readFailure(error, 'part of the run'));
		}
		if (live) await this.sendChunk('begin', itemIndex);
		if (page || /^\s*application\/json\s*(;|$)/i.test(contentType) || /^\s*[{<[]/.test(text)) {
			const body = checkedAnswer(this.getNode(), itemIndex, {
				endpoint: call.endpoint,
				statusCode: response.statusCode,
				text,
				shape: AGENT_RUN_WAIT_RESPONSE,
				token: await itemSecrets.call(this, itemIndex),
			});
			aggregator.addResponse(body ?? {});
		} else {
			aggregator.write(Buffer.from(text, 'utf8'));
			aggregator.end();
		}
		await finishRun.call(this, reading, undefined);
		return;
	}
	const chunks = response.body[Symbol.asyncIterator]();
	try {
		if (live) await this.sendChunk('begin', itemIndex);
		let stopped: { failure: string; description: string } | undefined;
		for (;;) {
			let next: IteratorResult<Uint8Array>;
			try {
				next = await chunks.next();
			} catch (error) {
				stopped = readFailure(error, `${aggregator.events} event(s) of the run`);
				break;
			}
			if (next.done) {
				aggregator.end();
				break;
			}
			aggregator.write(next.value);
			if (aggregator.unreadableData !== undefined) break;
			await live?.forward(this, itemIndex);
		}
		await finishRun.call(this, reading, stopped);
	} finally {
		// Releases the connection and the time limit however reading ended, a throw included.
		await chunks.return?.();
	}
}

/**
 * What is wrong with a stream that closed: unreadable (its data quoted without secrets, then
 * cut), cut inside a line, or empty.
 */
function streamProblem({
	aggregator,
	clean,
}: RunReading): { failure: string; description: string } | undefined {
	if (aggregator.unreadableData !== undefined)
		return {
			failure: `Glean sent a run that could not be read (an event whose data is not JSON: ${cut(clean(aggregator.unreadableData), 80)})`,
			description: `Run the item again. If it keeps happening, something other than Glean may be answering: ${BASE_URL_HINT}`,
		};
	if (aggregator.cut)
		return {
			failure: 'the stream ended in the middle of a line',
			description: 'The stream ended abnormally, so the answer may be cut short.',
		};
	if (aggregator.events === 0)
		return {
			failure: 'Glean ended the run without sending anything',
			description: `If it keeps happening, something other than Glean may be answering: ${BASE_URL_HINT}`,
		};
	return undefined;
}

/** After the last event: fails with what went wrong with the stream, else ends the live answer. */
async function finishRun(
	this: IExecuteFunctions,
	reading: RunReading,
	stopped: { failure: string; description: string } | undefined,
): Promise<void> {
	const problem = stopped ?? streamProblem(reading);
	if (problem !== undefined) {
		const error = stoppedError(this.getNode(), reading, problem);
		await reading.live?.fail(this, reading.itemIndex, error.message);
		throw error;
	}
	await finishLive.call(this, reading);
}

function stoppedError(
	node: INode,
	{ aggregator, clean, itemIndex }: RunReading,
	{ failure, description }: { failure: string; description: string },
): NodeOperationError {
	aggregator.interrupted = true;
	return answerError(
		node,
		itemIndex,
		`The agent's answer stopped before it was complete: ${clean(failure)}`,
		aggregator,
		{ description: `${description} ${ACTIONS_CAUTION}` },
	);
}

/**
 * Why a run that arrived whole (a stream that closed cleanly, or runs/wait) gives no answer, if it
 * does not: the run failed (an error event, or status "error"), or it ended without answer text.
 */
export function runFailure(
	node: INode,
	{ aggregator, clean, itemIndex }: Omit<RunReading, 'live'>,
): NodeOperationError | undefined {
	if (aggregator.error !== undefined) {
		return answerError(
			node,
			itemIndex,
			`The agent's run failed: ${cut(clean(aggregator.error), 1000)}`,
			aggregator,
			{
				description: `Glean ended the run with this error. ${ACTIONS_CAUTION} With Continue On Fail, the error item carries what the agent wrote before it failed.`,
			},
		);
	}
	if (!aggregator.hasAnswerText) {
		return answerError(
			node,
			itemIndex,
			'The agent finished without writing an answer',
			aggregator,
			{
				description: `Glean ended the run without any text from the agent, which would pass downstream as an empty answer. Check the agent in Glean (its last step may have failed or be waiting for a tool). ${ACTIONS_CAUTION}`,
			},
		);
	}
	return undefined;
}

/** Forwards what is left of the answer live, then `end`, or `error` when the run failed or gave no answer. */
async function finishLive(this: IExecuteFunctions, reading: RunReading): Promise<void> {
	const { live, itemIndex } = reading;
	if (!live) return;
	live.end();
	await live.forward(this, itemIndex);
	const failure = runFailure(this.getNode(), reading);
	if (failure !== undefined) await live.fail(this, itemIndex, failure.message);
	else await this.sendChunk('end', itemIndex);
}
