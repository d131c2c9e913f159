import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import type { INodeParameters } from 'n8n-workflow';

import { abortableSleep } from '../../nodes/GleanChat/transport/abortableSleep';
import { defaultConversation, expectedAnswerText } from '../emulator/conversation';
import { GleanEmulator } from '../emulator/gleanEmulator';
import { runGleanNode } from '../harness/n8nHarness';
import { QUESTION, testFile } from '../harness/operationCases';
import { gleanTestSetup } from '../harness/gleanTestSetup';

/** The retry policy's limits and promises, beyond the one-fault-one-retry rows of the fault suite. */

const TOKEN = 'retry-suite-secret-token-41b2';
const setup = gleanTestSetup(TOKEN, { virtualClock: true });
const { credentials } = setup;

const sendMessage = (
	options: INodeParameters = {},
	extra: INodeParameters = {},
): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: QUESTION,
	options,
	...extra,
});
const busy = (headers: Record<string, string> = {}) => ({
	kind: 'text' as const,
	status: 429,
	text: 'Too Many Requests',
	headers,
});

describe('retries', () => {
	test('when Glean stays busy, the error says how many attempts were made and what Glean answered last', async () => {
		setup.glean.enqueue('chat', busy(), busy(), busy(), busy(), {
			kind: 'text',
			status: 503,
			text: 'Service Unavailable\nmaintenance',
		});
		const warn = jest.spyOn(Container.get(Logger), 'warn');
		const { error, items } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
		});
		// The node's own (n8n 1.x also warns about its settings file's permissions).
		const warnings = warn.mock.calls
			.map(([message]) => message)
			.filter((message) => message.startsWith('Glean Chat:'));
		warn.mockRestore();
		expect(items).toEqual([]);
		expect(setup.glean.requestsTo('chat')).toHaveLength(5);
		expect(error?.message).toBe('Glean answered 503: Service Unavailable (after 5 attempts)');
		expect(error?.description).toMatch(
			/The node tried 5 time\(s\), waiting [\d.]+ s in all, and stopped: gave up after 5 attempts/,
		);
		expect(error?.description).toContain("Glean's full answer: Service Unavailable\nmaintenance");
		// Exponential backoff with jitter: retry n waits between half and all of 1 s × 2^(n−1).
		const backoffs = warnings.map((message) =>
			Math.round(Number(/trying again in ([\d.]+) s/.exec(message)![1]) * 1000),
		);
		expect(backoffs).toHaveLength(4);
		backoffs.forEach((wait, index) => {
			expect(wait).toBeGreaterThanOrEqual(500 * 2 ** index);
			expect(wait).toBeLessThanOrEqual(1000 * 2 ** index);
		});
		// Each backoff was waited; any other wait is the pace's spacing: Glean refused requests
		// spaced by the backoff, so the pace is no faster than that.
		const backoffWaits = setup.clock.waits.filter((wait) =>
			backoffs.some((backoff) => Math.abs(backoff - wait) <= 50),
		);
		expect(backoffWaits).toHaveLength(4);
		expect(setup.clock.waits.length).toBeLessThanOrEqual(backoffs.length * 2);
	});

	test('a Retry-After longer than the wait left ends the retries at once, and says so', async () => {
		setup.glean.enqueue('chat', busy({ 'Retry-After': '600' }));
		const { error } = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		expect(setup.glean.requestsTo('chat')).toHaveLength(1);
		expect(setup.clock.waits).toEqual([]);
		expect(error?.message).toBe('Glean answered 429: Too Many Requests');
		expect(error?.description).toContain(
			'Glean asked to wait 600 s (Retry-After), more than the 120 s left of the retry wait limit, after 1 attempt(s)',
		);
	});

	test('the Retry option sets the attempts and the total wait', async () => {
		setup.glean.enqueue(
			'chat',
			busy({ 'Retry-After': '1' }),
			busy({ 'Retry-After': '1' }),
			busy({ 'Retry-After': '1' }),
		);
		const { error } = await runGleanNode({
			parameters: sendMessage({ retry: { settings: { maxAttempts: 3, maxWaitSeconds: 10 } } }),
			credentials: credentials(),
		});
		expect(setup.glean.requestsTo('chat')).toHaveLength(3);
		// Glean's Retry-After before each retry; the pace learned from two refusals of requests
		// 1 s apart may space the third further (its own wait).
		expect(setup.clock.waits.slice(0, 2)).toEqual([1000, 1000]);
		expect(setup.clock.waits.length).toBeLessThanOrEqual(3);
		expect(error?.message).toBe('Glean answered 429: Too Many Requests (after 3 attempts)');
	});

	test('the total wait caps the backoff, then the retries stop', async () => {
		setup.glean.enqueue(
			'listchats',
			...Array.from({ length: 5 }, () => ({
				kind: 'text' as const,
				status: 503,
				text: 'Service Unavailable',
			})),
		);
		const { error } = await runGleanNode({
			parameters: {
				resource: 'chat',
				operation: 'getAll',
				returnAll: true,
				options: { retry: { settings: { maxAttempts: 5, maxWaitSeconds: 1.5 } } },
			},
			credentials: credentials(),
		});
		// 0.5–1 s, then whatever is left of 1.5 s, then nothing is left.
		expect(setup.clock.waits).toHaveLength(2);
		expect(setup.clock.waits[0] + setup.clock.waits[1]).toBe(1500);
		expect(setup.glean.requestsTo('listchats')).toHaveLength(3);
		expect(error?.description).toContain('the retry wait limit is used up');
	});

	test('Max Attempts 1 turns retries off', async () => {
		setup.glean.enqueue('chat', { kind: 'text', status: 503, text: 'Service Unavailable' });
		const { error } = await runGleanNode({
			parameters: sendMessage({ retry: { settings: { maxAttempts: 1, maxWaitSeconds: 120 } } }),
			credentials: credentials(),
		});
		expect(setup.glean.requestsTo('chat')).toHaveLength(1);
		expect(setup.clock.waits).toEqual([]);
		expect(error?.message).toBe('Glean answered 503: Service Unavailable');
	});

	test('a retried upload sends the same files again', async () => {
		setup.glean.enqueue('uploadchatfiles', {
			kind: 'text',
			status: 503,
			text: 'Service Unavailable',
		});
		const { items, error } = await runGleanNode({
			parameters: { resource: 'file', operation: 'upload' },
			items: [{ json: {}, files: testFile(4096, 'plan.txt') }],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		const [first, second] = setup.glean.requestsTo('uploadchatfiles');
		expect(second.parts?.map((part) => [part.name, part.filename, part.data.length])).toEqual([
			['files', 'plan.txt', 4096],
		]);
		expect(second.parts?.[0].data.equals(first.parts![0].data)).toBe(true);
		expect((items[0].json.fileIds as string[]).length).toBe(1);
	});

	test('a saved message is not sent twice after a 500, and the error says why', async () => {
		setup.glean.enqueue('chat', { kind: 'text', status: 500, text: 'Internal Server Error' });
		const { error } = await runGleanNode({
			parameters: sendMessage({ saveChat: true }),
			credentials: credentials(),
		});
		expect(setup.glean.requestsTo('chat')).toHaveLength(1);
		expect(error?.description).toContain('Not tried again: this message is saved to a chat');
	});

	test("Glean's words that contain an error code stay as Glean wrote them (n8n would put its own generic advice there)", async () => {
		// n8n-workflow replaces any message containing ECONNRESET, EEXIST, … with its own text,
		// which here would say to retry at once: wrong for a saved message.
		setup.glean.enqueue('chat', {
			kind: 'text',
			status: 502,
			text: 'Bad Gateway: upstream read ECONNRESET',
		});
		const { error } = await runGleanNode({
			parameters: sendMessage({ saveChat: true }),
			credentials: credentials(),
		});
		expect(error?.message).toBe('Glean answered 502: Bad Gateway: upstream read ECONNRESET');
		expect(error?.description).toContain('Not tried again: this message is saved to a chat');
		setup.glean.enqueue('chat', {
			kind: 'ndjson',
			body: [
				{
					messages: [
						{
							author: 'GLEAN_AI',
							messageType: 'ERROR',
							fragments: [{ text: 'A preexisting chat with this ID was archived' }],
						},
					],
				},
			],
		});
		const streamed = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		expect(streamed.error?.message).toBe(
			'Glean reported an error while answering: A preexisting chat with this ID was archived',
		);
	});

	test('a saved message keeps the "not tried again" warning after earlier retries, and for a lost connection or a timeout', async () => {
		const saved = sendMessage({ saveChat: true });
		setup.glean.enqueue(
			'chat',
			{ kind: 'text', status: 503, text: 'Service Unavailable' },
			{ kind: 'text', status: 500, text: 'Internal Server Error' },
		);
		let { error } = await runGleanNode({ parameters: saved, credentials: credentials() });
		expect(error?.message).toBe('Glean answered 500: Internal Server Error (after 2 attempts)');
		expect(error?.description).toContain(
			'stopped: a 500 answer is not tried again for a message saved to a chat',
		);
		expect(error?.description).toContain('Glean may already have stored it');

		setup.glean.enqueue(
			'chat',
			{ kind: 'text', status: 503, text: 'Service Unavailable' },
			{ kind: 'drop' },
		);
		({ error } = await runGleanNode({ parameters: saved, credentials: credentials() }));
		expect(error?.message).toMatch(
			/^The connection to Glean at \S+ failed: the connection was closed before Glean answered \(after 2 attempts\)$/,
		);
		expect(error?.description).toContain('Glean may already have stored it');
		expect(error?.description).not.toMatch(/retry the request immediately/);

		setup.glean.enqueue('chat', { kind: 'silent' });
		({ error } = await runGleanNode({
			parameters: sendMessage({ saveChat: true, timeoutMillis: 100 }),
			credentials: credentials(),
		}));
		expect(error?.message).toBe(
			'Glean did not finish answering within 350 ms (the 100 ms timeout plus a margin)',
		);
		expect(error?.description).toContain('Glean may already have stored it');
		expect(setup.glean.requestsTo('chat')).toHaveLength(5);
	});

	test('a huge error body is cut, not kept whole in the error', async () => {
		setup.glean.enqueue('chat', {
			kind: 'text',
			status: 400,
			text: `Bad Request\n${'x'.repeat(1_000_000)}`,
		});
		const { error } = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		expect(error?.message).toBe('Glean answered 400: Bad Request');
		expect(error?.description?.length).toBeLessThan(70_000);
		expect(error?.description).toMatch(/x…$/);
	});

	test('each retry is logged as a warning, without the token', async () => {
		const logger = Container.get(Logger);
		const warn = jest.spyOn(logger, 'warn');
		try {
			setup.glean.enqueue('chat', {
				kind: 'text',
				status: 429,
				text: `Slow down, Bearer ${TOKEN}`,
				headers: { 'Retry-After': '2' },
			});
			const { items } = await runGleanNode({
				parameters: sendMessage(),
				credentials: credentials(),
			});
			expect(items[0].json.answer).toBe(expectedAnswerText(defaultConversation(QUESTION)));
			const messages = warn.mock.calls.map((call) => String(call[0]));
			expect(messages).toEqual([
				'Glean Chat: Glean answered 429 (Slow down, Bearer [redacted]) for item 0; trying again in 2.0 s (attempt 2 of 5)',
			]);
			expect(JSON.stringify(warn.mock.calls)).not.toContain(TOKEN);
		} finally {
			warn.mockRestore();
		}
	});

	test('cancelling the execution during a retry wait stops it at once', async () => {
		// The wait is real here (30 s, far beyond the test's timeout) and is cancelled as soon as it starts.
		const cancel = new AbortController();
		setup.clock.onWait = async (millis, signal) => {
			cancel.abort();
			await abortableSleep(millis, signal);
		};
		setup.glean.enqueue('chat', busy({ 'Retry-After': '30' }));
		const { run, items } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
			cancel: cancel.signal,
		});
		expect(run.status).toBe('canceled');
		expect(items).toEqual([]);
		expect(setup.clock.waits).toEqual([30_000]);
		expect(setup.glean.requestsTo('chat')).toHaveLength(1);
	});

	test('Continue On Fail: an item that runs out of retries becomes an error item; the others are answered in order', async () => {
		setup.glean.enqueue('chat', busy(), busy());
		const { items } = await runGleanNode({
			// Saved to a chat, so the first item keeps its place while it waits, and both 429s
			// are its own (a question not saved would let the second item go meanwhile).
			parameters: sendMessage(
				{ retry: { settings: { maxAttempts: 2, maxWaitSeconds: 60 } }, saveChat: true },
				{ message: '={{ $json.q }}' },
			),
			items: [{ json: { q: 'first' } }, { json: { q: 'second' } }, { json: { q: 'third' } }],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({
			error: 'Glean answered 429: Too Many Requests (after 2 attempts)',
			httpCode: '429',
		});
		expect(items[1].json.answer).toBe(expectedAnswerText(defaultConversation('second')));
		expect(items[2].json.answer).toBe(expectedAnswerText(defaultConversation('third')));
	});
});

/** A loopback port nothing listens on (a connection to it is refused). */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('a saved message Glean never received is tried again like a 503, and never said to be stored', () => {
	test('a refused connection: tried again until Glean is there, and saved once', async () => {
		const port = await closedPort();
		let later: GleanEmulator | undefined;
		// Glean comes up during the first wait.
		setup.clock.onWait = async () => {
			later ??= await GleanEmulator.start({ token: TOKEN, port });
		};
		try {
			const { items, error } = await runGleanNode({
				parameters: sendMessage({ saveChat: true }),
				credentials: { baseUrl: `http://127.0.0.1:${port}`, apiToken: TOKEN },
			});
			expect(error).toBeUndefined();
			expect(setup.clock.waits).toHaveLength(1);
			expect(items[0].json.answer).toBe(expectedAnswerText(defaultConversation(QUESTION)));
			expect(later!.requestsTo('chat')).toHaveLength(1);
			expect(later!.chats.size).toBe(1);
			expect(later!.violations).toEqual([]);
		} finally {
			await later?.stop();
		}
	});

	test('a refused connection every time: all attempts, then an error without "may already have stored it"', async () => {
		const port = await closedPort();
		const { error } = await runGleanNode({
			parameters: sendMessage({ saveChat: true }),
			credentials: { baseUrl: `http://127.0.0.1:${port}`, apiToken: TOKEN },
		});
		expect(setup.clock.waits).toHaveLength(4);
		expect(error?.message).toBe(
			`Could not reach Glean at http://127.0.0.1:${port}: the connection was refused (after 5 attempts)`,
		);
		expect(error?.description).not.toMatch(/Not tried again|may already have stored/);
	});

	test('a TLS handshake that fails (https to a plain-HTTP port): tried again, no "stored" note', async () => {
		const port = new URL(setup.glean.baseUrl).port;
		const { error } = await runGleanNode({
			parameters: sendMessage({ saveChat: true, retry: { settings: { maxAttempts: 2 } } }),
			credentials: { baseUrl: `https://127.0.0.1:${port}`, apiToken: TOKEN },
		});
		expect(setup.clock.waits).toHaveLength(1);
		expect(error?.message).toBe(
			`Could not reach Glean at https://127.0.0.1:${port}: the TLS handshake failed (is the host serving HTTPS?) (after 2 attempts)`,
		);
		expect(error?.description).not.toMatch(/Not tried again|may already have stored/);
		expect(setup.glean.requestsTo('chat')).toEqual([]);
	});

	test('a TLS handshake the server resets: tried again, no "stored" note', async () => {
		// A server that resets every connection as soon as it is made: the TLS handshake never completes.
		const server = createServer((socket) => socket.resetAndDestroy());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		try {
			const { error } = await runGleanNode({
				parameters: sendMessage({ saveChat: true, retry: { settings: { maxAttempts: 2 } } }),
				credentials: { baseUrl: `https://127.0.0.1:${port}`, apiToken: TOKEN },
			});
			expect(setup.clock.waits).toHaveLength(1);
			expect(error?.message).toBe(
				`Could not reach Glean at https://127.0.0.1:${port}: the connection was closed before it was set up (while connecting, or during the TLS handshake) (after 2 attempts)`,
			);
			expect(error?.description).not.toMatch(/Not tried again|may already have stored/);
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	test('a connection reset after the request was sent: not tried again, and the note says why', async () => {
		setup.glean.enqueue('chat', { kind: 'drop' });
		const { error } = await runGleanNode({
			parameters: sendMessage({ saveChat: true }),
			credentials: credentials(),
		});
		expect(setup.glean.requestsTo('chat')).toHaveLength(1);
		expect(error?.description).toContain(
			'Not tried again: this message is saved to a chat, and Glean may already have stored it',
		);
	});
});
