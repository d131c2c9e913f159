import type { IExecuteFunctions } from 'n8n-workflow';

import type { ChatStreamAggregator } from '../../../helpers/chatStreamAggregator';
import { answerProblem, CHAT_QUEUED, CHAT_RESPONSE } from '../../../helpers/gleanShapes';
import type { ByteStream, GleanCall, GleanResponse } from '../../../transport';
import type { LiveAnswer } from '../../liveAnswer';
import { readFailure, STREAM_BROKE } from '../../readFailure';
import {
	BASE_URL_HINT,
	checkedAnswer,
	gleanApiStreamRequest,
	headerValue,
	itemSecrets,
	notGleanAnswerError,
	readText,
} from '../../../transport';
import { answerError, answerFailure } from '../../errors';

/** An HTML page is read this far for the error's quote, and no further. */
const MAX_PAGE_BYTES = 64 * 1024;

/** Where a streamed answer goes: the aggregator, the live chat (when the run streams), and how Glean's words are cleaned. */
export interface Reading {
	aggregator: ChatStreamAggregator;
	live?: LiveAnswer;
	/** Removes secrets from text quoted from Glean. */
	clean: (text: string) => string;
	itemIndex: number;
}

/**
 * Sends a streamed Send Message and reads Glean's NDJSON answer into the aggregator, forwarding
 * the text live (n8n's `sendChunk`: begin, item…, then end, or error with the reason) when the
 * run streams. A `202` comes back with its checked JSON body; otherwise the body is undefined and
 * the answer is in the aggregator. A JSON answer (Glean answering whole) is read whole.
 * @throws NodeApiError when the body is not Glean's (an HTML page, a first line that is not a
 * ChatResponse); NodeOperationError when the stream breaks, stalls or is cut (carrying the part
 * read), when Glean reports an ERROR, or when the run ended without answer text.
 */
export async function readStreamedAnswer(
	this: IExecuteFunctions,
	call: GleanCall,
	reading: Reading,
): Promise<GleanResponse<Record<string, unknown> | undefined>> {
	const response = await gleanApiStreamRequest.call(this, call, reading.itemIndex);
	const contentType = headerValue(response.headers, 'content-type') ?? '';
	const page = /^\s*text\/html\b/i.test(contentType);
	const whole = /^\s*application\/json\s*(;|$)/i.test(contentType);
	// Not NDJSON: the 202 note that the chat is busy, a page that is not Glean's, or Glean's whole JSON answer.
	if (response.statusCode === 202 || page || whole) {
		let text: string;
		try {
			text = await readText(response.body, page ? MAX_PAGE_BYTES : Infinity);
		} catch (error) {
			const { failure, description } = readFailure(error, 'part of the answer');
			throw answerError(
				this.getNode(),
				reading.itemIndex,
				`Glean's answer stopped before it was complete: ${reading.clean(failure)}`,
				reading.aggregator,
				{ description },
			);
		}
		return {
			...response,
			body: await readWhole.call(
				this,
				call,
				{ statusCode: response.statusCode, text, labelledJson: whole },
				reading,
			),
		};
	}
	await readLines.call(this, response.body, reading);
	return { ...response, body: undefined };
}

/**
 * A body read whole: the 202's note (returned), a page that is not Glean's, Glean's whole answer,
 * or NDJSON labelled as JSON (`labelledJson`: the Content-Type said application/json).
 */
async function readWhole(
	this: IExecuteFunctions,
	call: GleanCall,
	{ statusCode, text, labelledJson }: { statusCode: number; text: string; labelledJson: boolean },
	reading: Reading,
): Promise<Record<string, unknown> | undefined> {
	const { aggregator, live, itemIndex } = reading;
	const shape = statusCode === 202 ? CHAT_QUEUED : CHAT_RESPONSE;
	if (
		labelledJson &&
		statusCode !== 202 &&
		text.trim().includes('\n') &&
		answerProblem(text, shape) === 'text that is not JSON'
	) {
		if (live) await this.sendChunk('begin', itemIndex);
		aggregator.write(text);
		aggregator.end();
		await finishLines.call(this, reading, undefined, STREAM_BROKE);
		return undefined;
	}
	const token = await itemSecrets.call(this, itemIndex);
	const body = checkedAnswer(this.getNode(), itemIndex, {
		endpoint: call.endpoint,
		statusCode,
		text,
		shape,
		token,
	});
	if (statusCode === 202) return body;
	if (live) await this.sendChunk('begin', itemIndex);
	aggregator.addResponse(body ?? {});
	// Read whole, the answer is known: the chat gets it alone, not a plan before it.
	if (live) {
		live.reset();
		live.push(aggregator.composedAnswer().answer);
	}
	await finishLive.call(this, reading);
	return undefined;
}

async function readLines(
	this: IExecuteFunctions,
	body: ByteStream,
	reading: Reading,
): Promise<void> {
	const { aggregator, live, itemIndex } = reading;
	const chunks = body[Symbol.asyncIterator]();
	try {
		if (live) await this.sendChunk('begin', itemIndex);
		let failure: string | undefined;
		let description = STREAM_BROKE;
		for (;;) {
			let next: IteratorResult<Uint8Array>;
			try {
				next = await chunks.next();
			} catch (error) {
				({ failure, description } = readFailure(
					error,
					`${aggregator.lines} line(s) of the answer`,
				));
				break;
			}
			if (next.done) {
				aggregator.end();
				break;
			}
			aggregator.write(next.value);
			if (aggregator.formatError !== undefined) break;
			await live?.forward(this, itemIndex);
		}
		await finishLines.call(this, reading, failure, description);
	} finally {
		// Releases the connection and the time limit however reading ended, a throw included.
		await chunks.return?.();
	}
}

/**
 * After the last line: fails with what went wrong (`failure`, or a body that was not Glean's, cut
 * or empty), else ends the live answer.
 */
async function finishLines(
	this: IExecuteFunctions,
	reading: Reading,
	failure: string | undefined,
	description: string,
): Promise<void> {
	const { aggregator, live, clean, itemIndex } = reading;
	const foreign = aggregator.notGleanStream;
	if (foreign !== undefined) {
		const error = notGleanAnswerError(this.getNode(), itemIndex, {
			endpoint: 'chat',
			statusCode: 200,
			problem: foreign.problem,
			quote: foreign.quote,
		});
		await live?.fail(this, itemIndex, error.message);
		throw error;
	}
	if (aggregator.formatError !== undefined) {
		failure ??= `Glean sent an answer that could not be read (${aggregator.formatError})`;
	} else if (failure === undefined && aggregator.lines === 0) {
		failure = 'Glean ended the answer without sending anything';
		description = `Run the item again. If it keeps happening, something other than Glean may be answering: ${BASE_URL_HINT}`;
	}
	if (failure !== undefined) {
		// Glean's own words may be quoted; the token never is.
		failure = clean(failure);
		await live?.fail(this, itemIndex, failure);
		throw answerError(
			this.getNode(),
			itemIndex,
			`Glean's answer stopped before it was complete: ${failure}`,
			aggregator,
			{
				description,
			},
		);
	}
	await finishLive.call(this, reading);
}

/** Forwards what is left of the answer live, then `end`, or `error` when Glean reported one or gave no answer. */
async function finishLive(this: IExecuteFunctions, reading: Reading): Promise<void> {
	const { aggregator, live, clean, itemIndex } = reading;
	if (!live) return;
	// The last line may only have been read by end(); text held back by the redactor ends here too.
	live.end();
	await live.forward(this, itemIndex);
	const failure = answerFailure(this.getNode(), itemIndex, aggregator, clean);
	if (failure !== undefined) await live.fail(this, itemIndex, failure.message);
	else await this.sendChunk('end', itemIndex);
}
