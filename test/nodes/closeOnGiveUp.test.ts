import type { INodeParameters } from 'n8n-workflow';

import { conversationLines, defaultConversation, toNdjson } from '../emulator/conversation';
import type { RecordedRequest, Scenario } from '../emulator/gleanEmulator';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import type { RunResult } from '../harness/n8nHarness';
import { runGleanNode } from '../harness/n8nHarness';
import { useSilenceLimit } from '../harness/virtualClock';

/**
 * Whenever the node stops waiting for Glean (its time limit, the silence limit, the execution
 * being cancelled, a stream given up after an error), the HTTP request is closed at once, for
 * JSON, streamed and binary calls alike, whether Glean never sent headers or stalled after them.
 * The emulator holds every such connection open until the client leaves, so a request the node
 * left open would stay open for good: the check is that the server saw the client close it, and
 * no later than shortly after the node gave up (its own backstop, the socket's idle timeout,
 * comes a full second or more later).
 */

const setup = gleanTestSetup('close-token-3141');

/** Well under the socket backstop (the time limit + 1 s, or the silence limit itself). */
const PROMPTLY_MS = 400;

const body = toNdjson(conversationLines(defaultConversation('What changed in the roadmap?')));
const headOfAnswer = Buffer.byteLength(body) >> 1;
/** Sends the first half of the answer, then nothing more until the client leaves. */
const stall = (contentType?: string): Scenario => ({
	kind: 'ndjson',
	body,
	chunking: { sizes: [headOfAnswer, Buffer.byteLength(body)] },
	delayMs: 10 * 60_000,
	...(contentType ? { contentType } : {}),
});

interface Case {
	name: string;
	endpoint: string;
	parameters: INodeParameters;
	scenario: Scenario;
	/** How the node gives up: its Timeout option, the silence limit, or a cancelled execution. */
	giveUp: 'timeout' | 'silence' | 'cancel';
	error: RegExp;
}

const sendMessage = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: 'Q?',
	...extra,
});
const timeout = { options: { timeoutMillis: 300, retry: { settings: { maxAttempts: 1 } } } };

const cases: Case[] = [
	{
		name: 'JSON, no headers, time limit',
		endpoint: 'chat',
		parameters: sendMessage({ stream: false, ...timeout }),
		scenario: { kind: 'silent' },
		giveUp: 'timeout',
		error: /did not finish answering within/,
	},
	{
		name: 'stream, no headers, time limit',
		endpoint: 'chat',
		parameters: sendMessage(timeout),
		scenario: { kind: 'silent' },
		giveUp: 'timeout',
		error: /did not finish answering within/,
	},
	{
		name: 'stream, stalls after half the answer, time limit',
		endpoint: 'chat',
		parameters: sendMessage(timeout),
		scenario: stall(),
		giveUp: 'timeout',
		error: /stopped before it was complete/,
	},
	{
		name: 'JSON, no headers, silence limit',
		endpoint: 'listchats',
		parameters: { resource: 'chat', operation: 'getAll' },
		scenario: { kind: 'silent' },
		giveUp: 'silence',
		error: /sent nothing for/,
	},
	{
		name: 'stream, stalls after half the answer, silence limit',
		endpoint: 'chat',
		parameters: sendMessage(),
		scenario: stall(),
		giveUp: 'silence',
		error: /stopped before it was complete/,
	},
	{
		name: 'binary, no headers, silence limit',
		endpoint: 'chat-files/FILE_1',
		parameters: { resource: 'file', operation: 'download', fileId: 'FILE_1' },
		scenario: { kind: 'silent' },
		giveUp: 'silence',
		error: /sent nothing for/,
	},
	{
		name: 'binary, stalls after the headers, silence limit',
		endpoint: 'chat-files/FILE_1',
		parameters: { resource: 'file', operation: 'download', fileId: 'FILE_1' },
		scenario: stall('application/pdf'),
		giveUp: 'silence',
		error: /sent nothing for|stopped/,
	},
	{
		name: 'JSON, no headers, execution cancelled',
		endpoint: 'listchats',
		parameters: { resource: 'chat', operation: 'getAll' },
		scenario: { kind: 'silent' },
		giveUp: 'cancel',
		error: /./,
	},
	{
		name: 'stream, stalls after half the answer, execution cancelled',
		endpoint: 'chat',
		parameters: sendMessage(),
		scenario: stall(),
		giveUp: 'cancel',
		error: /./,
	},
	{
		name: 'binary, no headers, execution cancelled',
		endpoint: 'chat-files/FILE_1',
		parameters: { resource: 'file', operation: 'download', fileId: 'FILE_1' },
		scenario: { kind: 'silent' },
		giveUp: 'cancel',
		error: /./,
	},
];

let undoSilence: (() => void) | undefined;
afterEach(() => undoSilence?.());

test.each(cases.map((row) => [row.name, row] as const))(
	'%s: the connection is closed when the node gives up',
	async (_name, row) => {
		if (row.giveUp === 'silence') undoSilence = useSilenceLimit(300);
		setup.glean.enqueue(row.endpoint, row.scenario);
		const cancel = new AbortController();
		const arrived = setup.glean.nextRequest(row.endpoint);
		if (row.giveUp === 'cancel') void arrived.then(() => setTimeout(() => cancel.abort(), 50));
		const run: Promise<RunResult> = runGleanNode({
			parameters: row.parameters,
			credentials: setup.credentials(),
			cancel: cancel.signal,
		});
		const request: RecordedRequest = await arrived;
		const result = await run;
		const gaveUpAt = performance.now();
		if (row.giveUp !== 'cancel') expect(result.error?.message).toMatch(row.error);
		// The emulator never ends these answers: only the client can close the connection.
		expect(await request.closed).toBe(true);
		expect(request.closedAt! - gaveUpAt).toBeLessThan(PROMPTLY_MS);
	},
);

test('a stream given up after an unreadable line is closed at once, though Glean keeps sending', async () => {
	const lines = conversationLines(defaultConversation('Q?'));
	const head = `${toNdjson(lines.slice(0, 5))}not json\n`;
	const broken = Buffer.from(`${head}${toNdjson(lines.slice(5))}`);
	// Everything up to the unreadable line at once, then the rest only after 10 minutes.
	setup.glean.enqueue('chat', {
		kind: 'ndjson',
		body: broken,
		chunking: { sizes: [Buffer.byteLength(head), broken.length] },
		delayMs: 10 * 60_000,
	});
	const arrived = setup.glean.nextRequest('chat');
	const { error } = await runGleanNode({
		parameters: sendMessage({ options: { retry: { settings: { maxAttempts: 1 } } } }),
		credentials: setup.credentials(),
	});
	const gaveUpAt = performance.now();
	expect(error?.message).toMatch(/could not be read/);
	const request = await arrived;
	expect(await request.closed).toBe(true);
	expect(request.closedAt! - gaveUpAt).toBeLessThan(PROMPTLY_MS);
});
