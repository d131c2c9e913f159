import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { INodeParameters } from 'n8n-workflow';

import {
	conversationLines,
	conversationResponse,
	defaultConversation,
	toNdjson,
} from '../emulator/conversation';
import type { Scenario } from '../emulator/gleanEmulator';
import { runGleanNode } from '../harness/n8nHarness';
import { gleanTestSetup } from '../harness/gleanTestSetup';

/**
 * The API token never leaves the Authorization header: not in output items, error messages or
 * descriptions, streamed chunks or log lines, even when Glean echoes the header back; and
 * never to another host.
 */

const TOKEN = 'glean-SECRET-4f8a1c2e9b7d';
const setup = gleanTestSetup(TOKEN, { virtualClock: true });

const echo = `Authorization: Bearer ${TOKEN}; token=${TOKEN}`;
const lines = conversationLines(defaultConversation('q'));
const sendMessage: INodeParameters = { resource: 'chat', operation: 'sendMessage', message: 'q' };

const echoes: Array<[string, INodeParameters, Scenario[]]> = [
	[
		'a 400 whose text echoes the header',
		sendMessage,
		[{ kind: 'text', status: 400, text: `Bad Request\n${echo}` }],
	],
	[
		'a 401 whose first line is the header',
		{ resource: 'chat', operation: 'getAll', returnAll: true },
		[{ kind: 'text', status: 401, text: echo }],
	],
	[
		'a 403 JSON body with the token in it',
		{ resource: 'chat', operation: 'get', chatId: 'chat-1' },
		[
			{
				kind: 'json',
				status: 403,
				json: {
					errorType: 'PERMISSION_DENIED',
					createdBy: { name: echo },
					requestableRoles: [TOKEN],
				},
			},
		],
	],
	[
		'429s echoing the header until the retries run out',
		sendMessage,
		Array.from({ length: 5 }, () => ({
			kind: 'text' as const,
			status: 429,
			text: echo,
			headers: { 'Retry-After': '1' },
		})),
	],
	[
		'an ERROR message in the stream that quotes the header',
		sendMessage,
		[
			{
				kind: 'ndjson',
				body: [
					...lines.slice(0, 30),
					{ messages: [{ author: 'GLEAN_AI', messageType: 'ERROR', fragments: [{ text: echo }] }] },
				],
			},
		],
	],
	[
		'a malformed line that contains the token',
		sendMessage,
		[{ kind: 'ndjson', body: [...lines.slice(0, 30), `not json ${TOKEN}`] }],
	],
	[
		'a non-JSON answer that contains the token',
		{ ...sendMessage, stream: false },
		[{ kind: 'text', status: 200, text: `<html>${echo}</html>` }],
	],
	[
		'a JSON error body with the token JSON-escaped after a newline',
		sendMessage,
		[{ kind: 'text', status: 400, text: JSON.stringify({ error: `bad header:\n${TOKEN}` }) }],
	],
	[
		'a URL-encoded bearer value',
		sendMessage,
		[{ kind: 'text', status: 400, text: `redirect?auth=Bearer%20${encodeURIComponent(TOKEN)}` }],
	],
	// The quoted line is cut at 120 characters; redaction comes first, so no beginning of the token survives the cut.
	[
		'a malformed line with the token across the quoting limit',
		sendMessage,
		[{ kind: 'ndjson', body: [...lines.slice(0, 30), `${'x'.repeat(110)}${TOKEN}`] }],
	],
];

/** An answer that quotes the token (a document may contain it), streamed in token-sized pieces. */
const leakyConversation = () => {
	const conversation = defaultConversation('q');
	conversation.answer = [`Use the key ${TOKEN} for the build. `, { cite: 0 }, 'Done.'];
	return conversation;
};

describe('the token never appears in answers', () => {
	test.each([
		['streamed', { stream: true }],
		['streamed, raw output', { stream: true, simplify: false }],
		['not streamed', { stream: false }],
	] as Array<[string, INodeParameters]>)(
		'%s: not in the item, nor in the live chunks',
		async (_name, extra) => {
			const conversation = leakyConversation();
			setup.glean.enqueue(
				'chat',
				extra.stream
					? { kind: 'ndjson', body: conversationLines(conversation) }
					: { kind: 'json', json: conversationResponse(conversation) },
			);
			const { items, chunks, error } = await runGleanNode({
				parameters: { ...sendMessage, ...extra },
				credentials: setup.credentials(),
				streaming: true,
			});
			expect(error).toBeUndefined();
			expect(JSON.stringify(items)).not.toContain(TOKEN);
			expect(JSON.stringify(items)).toContain('Use the key [redacted] for the build.');
			if (extra.stream) {
				// The token arrives split over several deltas; the live text is redacted all the same.
				const live = chunks
					.filter((chunk) => chunk.type === 'item')
					.map((chunk) => chunk.content)
					.join('');
				expect(live).toBe(`${conversation.intro}\n\nUse the key [redacted] for the build. Done.`);
			}
		},
	);

	test('a stream cut after the token: the partial answer is redacted, in the error item and in the failed run', async () => {
		const lines = conversationLines(leakyConversation());
		const cut = Buffer.byteLength(toNdjson(lines.slice(0, lines.length - 3))) + 5;
		for (const continueOnFail of [true, false]) {
			setup.glean.enqueue('chat', { kind: 'ndjson', body: toNdjson(lines), dropAfterBytes: cut });
			const { items, run } = await runGleanNode({
				parameters: sendMessage,
				credentials: setup.credentials(),
				continueOnFail,
			});
			if (continueOnFail)
				expect(items[0].json.partialAnswer).toMatchObject({
					answer: expect.stringContaining('[redacted]'),
				});
			expect(JSON.stringify(run)).not.toContain(TOKEN);
		}
	});

	test('a saved chat that quotes the token is returned redacted by Get', async () => {
		setup.glean.chats.set('chat-9', {
			id: 'chat-9',
			name: 'Keys',
			createTime: 1,
			updateTime: 2,
			messages: [
				{ author: 'USER', messageType: 'CONTENT', fragments: [{ text: `my token is ${TOKEN}` }] },
			],
		});
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'get', chatId: 'chat-9' },
			credentials: setup.credentials(),
		});
		expect(JSON.stringify(items)).not.toContain(TOKEN);
		expect(JSON.stringify(items)).toContain('my token is [redacted]');
	});
});

describe('the token never appears', () => {
	test.each(echoes)(
		'%s: not in the error, the error item, streamed chunks or logs',
		async (_name, parameters, scenarios) => {
			const logger = Container.get(Logger);
			const logged = (['error', 'warn', 'info', 'debug'] as const).map((level) =>
				jest.spyOn(logger, level),
			);
			try {
				for (const continueOnFail of [false, true]) {
					setup.glean.reset();
					setup.glean.enqueue(
						parameters.operation === 'get'
							? 'getchat'
							: parameters.operation === 'getAll'
								? 'listchats'
								: 'chat',
						...scenarios,
					);
					const result = await runGleanNode({
						parameters,
						credentials: { baseUrl: setup.glean.baseUrl, apiToken: TOKEN },
						continueOnFail,
						streaming: true,
					});
					// The whole run as n8n stores it: output items, errors with their descriptions and context.
					const stored = JSON.stringify(result.run, (_key, value: unknown) =>
						value instanceof Error
							? { ...value, message: value.message, stack: value.stack }
							: value,
					);
					expect(stored).toContain(continueOnFail ? '"error"' : 'Glean');
					expect(stored).not.toContain(TOKEN);
					// Nor any beginning of it that a cut could leave.
					expect(stored).not.toContain(TOKEN.slice(0, 8));
					expect(JSON.stringify(result.chunks)).not.toContain(TOKEN);
					if (continueOnFail) expect(JSON.stringify(result.items)).toContain('[redacted]');
					else expect(`${result.error?.message} ${result.error?.description}`).not.toContain(TOKEN);
				}
				expect(JSON.stringify(logged.map((spy) => spy.mock.calls))).not.toContain(TOKEN);
			} finally {
				for (const spy of logged) spy.mockRestore();
			}
		},
	);

	test('a connection error never carries the request, and with it the header', async () => {
		setup.glean.enqueue(
			'chat',
			{ kind: 'drop' },
			{ kind: 'drop' },
			{ kind: 'drop' },
			{ kind: 'drop' },
			{ kind: 'drop' },
		);
		const { run, error } = await runGleanNode({
			parameters: sendMessage,
			credentials: { baseUrl: setup.glean.baseUrl, apiToken: TOKEN },
		});
		expect(error?.message).toMatch(
			/^The connection to Glean at http:\/\/127\.0\.0\.1:\d+ failed: the connection was closed before Glean answered \(after 5 attempts\)$/,
		);
		expect(error?.description).toMatch(
			/The node tried 5 time\(s\), waiting [\d.]+ s in all, and stopped: gave up after 5 attempts/,
		);
		expect(setup.glean.requestsTo('chat')).toHaveLength(5);
		expect(JSON.stringify(run)).not.toContain(TOKEN);
	});
});
