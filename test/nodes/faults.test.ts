import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	conversationLines,
	defaultConversation,
	expectedAnswerText,
	toNdjson,
} from '../emulator/conversation';
import type { Scenario } from '../emulator/gleanEmulator';
import { GleanEmulator } from '../emulator/gleanEmulator';
import { runGleanNode } from '../harness/n8nHarness';
import type { OperationCase } from '../harness/operationCases';
import { operationCases, QUESTION } from '../harness/operationCases';
import type { VirtualClock } from '../harness/virtualClock';
import { useSilenceLimit, useVirtualRetryClock } from '../harness/virtualClock';

/**
 * The fault suite: one row per fault, run over every operation it applies to, inside n8n-core
 * against the emulator. Each row asserts the outcome and how many requests Glean saw. Retries
 * wait in virtual time (the waits are asserted, not slept); client timeouts run for real with
 * small limits.
 */

const TOKEN = 'fault-suite-secret-token-7f3a9c';
const START = Date.UTC(2026, 10, 27, 3, 0, 0);

let glean: GleanEmulator;
/** A second host, the target of redirects: it must never see the token. */
let elsewhere: GleanEmulator;
let clock: VirtualClock;

beforeAll(async () => {
	glean = await GleanEmulator.start({ token: TOKEN });
	elsewhere = await GleanEmulator.start({ token: TOKEN });
});
afterAll(async () => {
	await glean.stop();
	await elsewhere.stop();
});
beforeEach(() => {
	glean.reset();
	elsewhere.reset();
	clock = useVirtualRetryClock({ startAt: START });
});
afterEach(() => {
	clock.restore();
	expect(glean.violations).toEqual([]);
	expect(elsewhere.violations).toEqual([]);
});

const credentials = () => ({ baseUrl: glean.baseUrl, apiToken: TOKEN });

async function runCase(operation: OperationCase, extraOptions: IDataObject = {}) {
	operation.setup?.(glean);
	const parameters: INodeParameters = {
		...operation.parameters,
		options: {
			...((operation.parameters.options as INodeParameters | undefined) ?? {}),
			...(extraOptions as INodeParameters),
		},
	};
	return await runGleanNode({
		parameters,
		items: operation.items,
		credentials: credentials(),
		continueOnFail: true,
	});
}

// The streamed answer and places to break it: after five lines of the answer's text (past the plan
// and the tool steps), and inside the next line.
const lines = conversationLines(defaultConversation(QUESTION));
const body = toNdjson(lines);
const fullAnswer = expectedAnswerText(defaultConversation(QUESTION));
const cutLine = lines.findIndex(
	(_line, index) =>
		lines
			.slice(0, index)
			.filter((earlier) => JSON.stringify(earlier).includes('"messageId":"msg-answer"')).length ===
		5,
);
const atLineBoundary = Buffer.byteLength(toNdjson(lines.slice(0, cutLine)));
const insideLine = atLineBoundary + 12;
const errorLine = {
	messages: [
		{
			author: 'GLEAN_AI',
			messageType: 'ERROR',
			fragments: [{ text: 'The model is overloaded, try again' }],
		},
	],
};

type Outcome = 'retried' | 'error' | 'partial' | 'queued';

interface FaultRow {
	fault: string;
	scenario: (operation: OperationCase) => Scenario;
	appliesTo: (operation: OperationCase) => boolean;
	outcome: (operation: OperationCase) => Outcome;
	/** The error item's message and description, for error outcomes. */
	error?: RegExp;
	description?: RegExp;
	options?: IDataObject;
	/** The waits the retry asked for. */
	waits?: (waits: number[]) => void;
}

const allOperations = () => true;
const sendMessages = (operation: OperationCase) => operation.endpoint === 'chat';
const streamed = (operation: OperationCase) => operation.stream === true;
const retriedIfIdempotent = (operation: OperationCase): Outcome =>
	operation.idempotent ? 'retried' : 'error';

const faultRows: FaultRow[] = [
	{
		fault: '429 with Retry-After: 3',
		scenario: () => ({
			kind: 'text',
			status: 429,
			text: 'Too Many Requests',
			headers: { 'Retry-After': '3' },
		}),
		appliesTo: allOperations,
		outcome: () => 'retried',
		waits: (waits) => expect(waits).toEqual([3000]),
	},
	{
		fault: '429 with an HTTP-date Retry-After',
		scenario: () => ({
			kind: 'text',
			status: 429,
			text: 'Too Many Requests',
			headers: { 'Retry-After': new Date(START + 7000).toUTCString() },
		}),
		appliesTo: allOperations,
		outcome: () => 'retried',
		waits: (waits) => expect(waits).toEqual([7000]),
	},
	{
		fault: '429 without Retry-After',
		scenario: () => ({ kind: 'text', status: 429, text: 'Too Many Requests' }),
		appliesTo: allOperations,
		outcome: () => 'retried',
		waits: (waits) => {
			expect(waits).toHaveLength(1);
			expect(waits[0]).toBeGreaterThanOrEqual(500);
			expect(waits[0]).toBeLessThanOrEqual(1000);
		},
	},
	{
		fault: '500',
		scenario: () => ({ kind: 'text', status: 500, text: 'Internal Server Error' }),
		appliesTo: allOperations,
		outcome: retriedIfIdempotent,
		error: /^Glean answered 500: Internal Server Error$/,
		description: /Not tried again: this message is saved to a chat/,
	},
	{
		fault: '502',
		scenario: () => ({ kind: 'text', status: 502, text: 'Bad Gateway' }),
		appliesTo: allOperations,
		outcome: retriedIfIdempotent,
		error: /^Glean answered 502: Bad Gateway$/,
		description: /Not tried again/,
	},
	{
		fault: '503',
		scenario: () => ({ kind: 'text', status: 503, text: 'Service Unavailable' }),
		appliesTo: allOperations,
		outcome: () => 'retried',
	},
	{
		fault: '408',
		scenario: () => ({ kind: 'text', status: 408, text: 'Request Timeout' }),
		appliesTo: allOperations,
		outcome: () => 'error',
		error: /^Glean answered 408: Request Timeout$/,
		description: /Raise "Timeout \(Ms\)".*faster agent/,
		waits: (waits) => expect(waits).toEqual([]),
	},
	{
		fault: 'connection reset before the response',
		scenario: () => ({ kind: 'drop' }),
		appliesTo: allOperations,
		outcome: retriedIfIdempotent,
		error:
			/^The connection to Glean at http:\/\/127\.0\.0\.1:\d+ failed: the connection was closed before Glean answered$/,
		description:
			/Not tried again: this message is saved to a chat, and Glean may already have stored it/,
	},
	{
		fault: 'redirect to another host',
		scenario: (operation) => ({
			kind: 'redirect',
			status: 307,
			location: `${elsewhere.baseUrl}/rest/api/v1/${operation.endpoint}`,
		}),
		appliesTo: allOperations,
		outcome: () => 'error',
		// Not followed at all: the other host sees neither the token nor the question, files or Act As user.
		error:
			/^Glean answered 307, a redirect to http:\/\/127\.0\.0\.1:\d+\/rest\/api\/v1\/\S+, which the node does not follow$/,
		description: /Set "Base URL" in the Glean credential to your Glean API host/,
	},
	{
		fault: 'reset mid-stream, inside a line',
		scenario: () => ({ kind: 'ndjson', body, dropAfterBytes: insideLine }),
		appliesTo: streamed,
		outcome: () => 'partial',
		error:
			/^Glean's answer stopped before it was complete: the connection to Glean was lost after \d+ line\(s\) of the answer/,
	},
	{
		fault: 'reset mid-stream, exactly at a line boundary',
		scenario: () => ({ kind: 'ndjson', body, dropAfterBytes: atLineBoundary }),
		appliesTo: streamed,
		outcome: () => 'partial',
		error:
			/^Glean's answer stopped before it was complete: the connection to Glean was lost after \d+ line\(s\)/,
	},
	{
		fault: 'truncated last line',
		scenario: () => ({ kind: 'ndjson', body: body.slice(0, insideLine) }),
		appliesTo: streamed,
		outcome: () => 'partial',
		error:
			/^Glean's answer stopped before it was complete: Glean sent an answer that could not be read \(line \d+ is not a JSON object/,
	},
	{
		fault: 'malformed line',
		scenario: () => ({
			kind: 'ndjson',
			body: [...lines.slice(0, cutLine), '{"messages": [oops', ...lines.slice(cutLine)],
		}),
		appliesTo: streamed,
		outcome: () => 'partial',
		error: /could not be read \(line \d+ is not a JSON object: \{"messages": \[oops/,
	},
	{
		fault: 'ERROR message',
		scenario: () => ({ kind: 'ndjson', body: [...lines.slice(0, cutLine), errorLine] }),
		appliesTo: streamed,
		outcome: () => 'partial',
		error: /^Glean reported an error while answering: The model is overloaded, try again$/,
	},
	{
		fault: 'server stalls mid-stream past the timeout',
		scenario: () => ({
			kind: 'ndjson',
			body,
			chunking: { sizes: [atLineBoundary, body.length] },
			delayMs: 30_000,
		}),
		appliesTo: streamed,
		options: { timeoutMillis: 200 },
		outcome: () => 'partial',
		error:
			/^Glean's answer stopped before it was complete: Glean did not finish answering within 450 ms \(the 200 ms timeout plus a margin\), after \d+ line\(s\)/,
	},
	{
		fault: 'silent server past the timeout',
		scenario: () => ({ kind: 'silent' }),
		appliesTo: sendMessages,
		options: { timeoutMillis: 200 },
		outcome: () => 'error',
		error: /^Glean did not finish answering within 450 ms \(the 200 ms timeout plus a margin\)$/,
		description: /Raise "Timeout \(Ms\)"/,
		waits: (waits) => expect(waits).toEqual([]),
	},
	{
		fault: '202 (another request runs on the chat)',
		scenario: () => ({
			kind: 'json',
			status: 202,
			json: { chatId: 'chat-1', queuedRequestId: 'q-9', isSavedToChatHistory: true },
		}),
		appliesTo: sendMessages,
		outcome: () => 'queued',
	},
];

const cases = faultRows.flatMap((row) =>
	operationCases
		.filter((operation) => row.appliesTo(operation))
		.map((operation) => [row.fault, operation.name, row, operation] as const),
);

describe('fault suite', () => {
	test.each(cases)('%s → %s', async (_fault, _name, row, operation) => {
		glean.enqueue(operation.endpoint, row.scenario(operation));
		const { items, error } = await runCase(operation, row.options);
		expect(error).toBeUndefined();
		const outcome = row.outcome(operation);
		const requests = glean.requestsTo(operation.endpoint);
		switch (outcome) {
			case 'retried':
				expect(requests).toHaveLength(2);
				operation.expectSuccess(items);
				// The second try is the same request.
				expect(
					requests[1].rawBody.equals(requests[0].rawBody) || requests[0].parts !== undefined,
				).toBe(true);
				break;
			case 'queued':
				expect(requests).toHaveLength(1);
				expect(items).toEqual([
					{
						json: {
							queued: true,
							chatId: 'chat-1',
							queuedRequestId: 'q-9',
							isSavedToChatHistory: true,
						},
						pairedItem: { item: 0 },
					},
				]);
				break;
			default: {
				expect(requests).toHaveLength(1);
				expect(items).toHaveLength(1);
				expect(items[0].pairedItem).toEqual({ item: 0 });
				const json = items[0].json;
				expect(json.error).toMatch(row.error!);
				if (row.description) expect(json.description).toMatch(row.description);
				if (outcome === 'partial') {
					expect(json.partial).toBe(true);
					const partialAnswer = (json.partialAnswer as IDataObject).answer as string;
					expect(partialAnswer.length).toBeGreaterThan(0);
					expect(fullAnswer.startsWith(partialAnswer)).toBe(true);
					expect(partialAnswer).not.toBe(fullAnswer);
				} else {
					expect(json.partial).toBeUndefined();
				}
			}
		}
		row.waits?.(clock.waits);
		if (row.fault.startsWith('redirect')) expect(elsewhere.requests).toEqual([]);
		expect(JSON.stringify(items)).not.toContain(TOKEN);
	});
});

describe('a silent Glean without a Timeout option', () => {
	// The limit is 5 minutes; shortened here so the test takes a moment.
	let restore: () => void;
	beforeAll(async () => {
		// One answered request first, so the emulator's first spec check (slow) does not count as silence.
		await runCase(operationCases[0]);
	});
	beforeEach(() => {
		restore = useSilenceLimit(1000);
	});
	afterEach(() => restore());

	test.each(
		operationCases
			.filter((operation) => ['getchat', 'chat'].includes(operation.endpoint))
			.map((operation) => [operation.name, operation] as const),
	)('%s: fails after the silence limit and says so, without retrying', async (_name, operation) => {
		glean.enqueue(operation.endpoint, { kind: 'silent' });
		const { items } = await runCase(operation);
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toBe('Glean sent nothing for 1.0 s, so the node stopped waiting');
		expect(glean.requestsTo(operation.endpoint)).toHaveLength(1);
		expect(clock.waits).toEqual([]);
	});

	test('a stream that goes silent half-way fails with the partial answer', async () => {
		const operation = operationCases[0];
		glean.enqueue('chat', {
			kind: 'ndjson',
			body,
			chunking: { sizes: [atLineBoundary, body.length] },
			delayMs: 30_000,
		});
		const { items } = await runCase(operation);
		expect(items[0].json.error).toMatch(
			/^Glean's answer stopped before it was complete: Glean sent nothing for 1\.0 s, so the node stopped waiting, after \d+ line\(s\) of the answer/,
		);
		expect(items[0].json.partial).toBe(true);
	});
});
