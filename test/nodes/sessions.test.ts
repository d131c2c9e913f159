import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Options → Session Key: the node remembers which Glean chat belongs to which key in the
 * workflow's static data, and continues it on the next message, across executions.
 */

const TOKEN = 'sessions-secret-token';
const setup = gleanTestSetup(TOKEN);

const sendMessage = (options: INodeParameters = {}): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: '={{ $json.chatInput }}',
	options: { sessionKey: '={{ $json.sessionId }}', ...options },
});

type ChatRequest = {
	chatId?: string;
	saveChat?: boolean;
	messages: Array<{ fragments: Array<{ text: string }> }>;
};
const sent = () => setup.glean.requestsTo('chat').map((request) => request.body as ChatRequest);

describe('Session Key', () => {
	test('two interleaved sessions across executions each continue their own Glean chat', async () => {
		const staticData: IDataObject = {};
		const run = async (messages: Array<[string, string]>) =>
			await runGleanNode({
				parameters: sendMessage(),
				items: messages.map(([sessionId, chatInput]) => ({ json: { sessionId, chatInput } })),
				credentials: setup.credentials(),
				staticData,
			});

		const first = await run([
			['alice', 'A1'],
			['bob', 'B1'],
		]);
		const [aliceChat, bobChat] = first.items.map((item) => item.json.chatId as string);
		expect(aliceChat).toEqual(expect.any(String));
		expect(bobChat).not.toBe(aliceChat);
		// New sessions start new chats, saved so they can be continued.
		expect(sent().map((body) => [body.chatId, body.saveChat])).toEqual([
			[undefined, true],
			[undefined, true],
		]);

		// Next executions, in another order: each message lands in its own session's chat.
		await run([['bob', 'B2']]);
		await run([
			['alice', 'A2'],
			['bob', 'B3'],
		]);
		expect(
			sent()
				.slice(2)
				.map((body) => [body.messages[0].fragments[0].text, body.chatId]),
		).toEqual([
			['B2', bobChat],
			['A2', aliceChat],
			['B3', bobChat],
		]);
		const history = (chatId: string) =>
			setup.glean.chats
				.get(chatId)!
				.messages.filter((message) => message.author === 'USER')
				.map((message) => (message.fragments as Array<{ text: string }>)[0].text);
		expect(history(aliceChat)).toEqual(['A1', 'A2']);
		expect(history(bobChat)).toEqual(['B1', 'B2', 'B3']);
	});

	test('an expired session starts a new chat', async () => {
		const staticData: IDataObject = {};
		const run = async () =>
			await runGleanNode({
				parameters: sendMessage({ sessionExpiryMinutes: 30 }),
				items: [{ json: { sessionId: 'carol', chatInput: 'Hi' } }],
				credentials: setup.credentials(),
				staticData,
			});
		const first = (await run()).items[0].json.chatId;
		// Make the remembered session 31 minutes old.
		const sessions = (staticData['node:Glean Chat'] as IDataObject).gleanChatSessions as Record<
			string,
			{ usedAt: number }
		>;
		sessions.carol.usedAt -= 31 * 60_000;
		const second = (await run()).items[0].json.chatId;
		expect(second).not.toBe(first);
		expect(sent().map((body) => body.chatId)).toEqual([undefined, undefined]);
	});

	test('the remembered sessions stay bounded: beyond 1,000 the least recently used go', async () => {
		const staticData: IDataObject = {
			'node:Glean Chat': {
				gleanChatSessions: Object.fromEntries(
					Array.from({ length: 1000 }, (_, index) => [
						`s${index}`,
						{ chatId: `old-${index}`, usedAt: Date.now() - 60_000 + index },
					]),
				),
			},
		};
		await runGleanNode({
			parameters: sendMessage(),
			items: [{ json: { sessionId: 'newcomer', chatInput: 'Hello' } }],
			credentials: setup.credentials(),
			staticData,
		});
		const sessions = (staticData['node:Glean Chat'] as IDataObject).gleanChatSessions as Record<
			string,
			unknown
		>;
		expect(Object.keys(sessions)).toHaveLength(1000);
		expect(sessions.s0).toBeUndefined();
		expect(sessions.newcomer).toEqual({
			chatId: expect.any(String),
			usedAt: expect.any(Number),
			expiryMinutes: 60,
		});
	});

	test('each session expires by its own setting: a short one on another item does not clear it', async () => {
		const staticData: IDataObject = {
			'node:Glean Chat': {
				gleanChatSessions: {
					long: { chatId: 'chat-long', usedAt: Date.now() - 50 * 60_000, expiryMinutes: 120 },
				},
			},
		};
		await runGleanNode({
			parameters: sendMessage({ sessionExpiryMinutes: 30 }),
			items: [{ json: { sessionId: 'short', chatInput: 'q' } }],
			credentials: setup.credentials(),
			staticData,
		});
		const sessions = (staticData['node:Glean Chat'] as IDataObject).gleanChatSessions as Record<
			string,
			{ chatId: string }
		>;
		expect(Object.keys(sessions).sort()).toEqual(['long', 'short']);
	});

	test('a Chat ID parameter wins for its message, and the session keeps its own chat', async () => {
		const staticData: IDataObject = {};
		const ask = async (sessionId: string, chatInput: string, chatId?: string) =>
			await runGleanNode({
				parameters: chatId ? { ...sendMessage(), chatId } : sendMessage(),
				items: [{ json: { sessionId, chatInput } }],
				credentials: setup.credentials(),
				staticData,
			});
		const dansChat = (await ask('dan', 'one')).items[0].json.chatId as string;
		const other = (await ask('erin', 'x')).items[0].json.chatId as string;
		await ask('dan', 'two', other);
		await ask('dan', 'three');
		expect(sent().map((body) => body.chatId)).toEqual([undefined, undefined, other, dansChat]);
	});

	test('a remembered chat Glean no longer has fails that message, and the next one starts a new chat', async () => {
		const staticData: IDataObject = {};
		const ask = async () =>
			await runGleanNode({
				parameters: sendMessage(),
				items: [{ json: { sessionId: 'fay', chatInput: 'q' } }],
				credentials: setup.credentials(),
				staticData,
				continueOnFail: true,
			});
		const chatId = (await ask()).items[0].json.chatId as string;
		setup.glean.chats.delete(chatId);
		expect((await ask()).items[0].json.error).toBe('Glean answered 404: Chat not found');
		const fresh = (await ask()).items[0].json.chatId;
		expect(fresh).toEqual(expect.any(String));
		expect(fresh).not.toBe(chatId);
		expect(sent().map((body) => body.chatId)).toEqual([undefined, chatId, undefined]);
	});

	test('a queued answer (202) still ties the session to the chat Glean named', async () => {
		const staticData: IDataObject = {};
		setup.glean.chats.set('chat-q', {
			id: 'chat-q',
			name: 'q',
			createTime: 1,
			updateTime: 1,
			messages: [],
		});
		setup.glean.enqueue('chat', {
			kind: 'json',
			status: 202,
			json: { chatId: 'chat-q', queuedRequestId: 'r1', isSavedToChatHistory: true },
		});
		const ask = async () =>
			await runGleanNode({
				parameters: sendMessage(),
				items: [{ json: { sessionId: 'gus', chatInput: 'q' } }],
				credentials: setup.credentials(),
				staticData,
			});
		expect((await ask()).items[0].json).toMatchObject({ queued: true, chatId: 'chat-q' });
		await ask();
		expect(sent().map((body) => body.chatId)).toEqual([undefined, 'chat-q']);
	});
});

describe('Session Key under Concurrency', () => {
	const items = (messages: Array<[string, string]>) =>
		messages.map(([sessionId, chatInput]) => ({ json: { sessionId, chatInput } }));

	test('messages of one session go in input order into one chat, whatever the Concurrency; other sessions run beside them', async () => {
		// A slow Glean: without the per-session order, the second message of s1 would start before the first has a chat.
		setup.glean.responseDelayMs = 60;
		const { items: output, error } = await runGleanNode({
			parameters: sendMessage({ concurrency: 4 }),
			items: items([
				['s1', 'one'],
				['s1', 'two'],
				['s2', 'other'],
				['s1', 'three'],
			]),
			credentials: setup.credentials(),
			staticData: {},
		});
		expect(error).toBeUndefined();
		expect(output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		const s1Chat = output[0].json.chatId as string;
		expect(output.map((item) => item.json.chatId)).toEqual([
			s1Chat,
			s1Chat,
			expect.not.stringMatching(s1Chat),
			s1Chat,
		]);
		const s1 = sent().filter((body) =>
			['one', 'two', 'three'].includes(body.messages[0].fragments[0].text),
		);
		expect(s1.map((body) => [body.messages[0].fragments[0].text, body.chatId])).toEqual([
			['one', undefined],
			['two', s1Chat],
			['three', s1Chat],
		]);
		expect(setup.glean.chats.size).toBe(2);
		// s2 did not wait for s1.
		expect(setup.glean.maxInFlight).toBe(2);
	});

	test('a message waits for the one before it in its session across a 202, and continues the chat Glean queued it on', async () => {
		setup.glean.enqueue('chat', {
			kind: 'json',
			status: 202,
			json: { chatId: 'chat-queued', queuedRequestId: 'q-1', isSavedToChatHistory: true },
		});
		setup.glean.chats.set('chat-queued', {
			id: 'chat-queued',
			name: 'q',
			createTime: 1,
			updateTime: 1,
			messages: [],
		});
		setup.glean.responseDelayMs = 40;
		const { items: output, error } = await runGleanNode({
			parameters: sendMessage({ concurrency: 2 }),
			items: items([
				['s1', 'first'],
				['s1', 'second'],
			]),
			credentials: setup.credentials(),
			staticData: {},
		});
		expect(error).toBeUndefined();
		expect(output[0].json).toMatchObject({ queued: true, chatId: 'chat-queued' });
		expect(sent().map((body) => body.chatId)).toEqual([undefined, 'chat-queued']);
		expect(setup.glean.maxInFlight).toBe(1);
	});

	test('a failed message does not hold up the rest of its session', async () => {
		setup.glean.enqueue('chat', { kind: 'text', status: 400, text: 'Bad Request' });
		const { items: output } = await runGleanNode({
			parameters: sendMessage({ concurrency: 3 }),
			items: items([
				['s1', 'bad'],
				['s1', 'good'],
			]),
			credentials: setup.credentials(),
			staticData: {},
			continueOnFail: true,
		});
		expect(output[0].json.error).toMatch(/^Glean answered 400/);
		expect(output[1].json.answer).toEqual(expect.any(String));
	});
});

test('a chat Glean started stays the session’s when its first answer failed (an unfinished run), so the next message continues it', async () => {
	setup.glean.chats.set('chat-started', {
		id: 'chat-started',
		name: 'x',
		createTime: 1,
		updateTime: 1,
		messages: [],
	});
	setup.glean.enqueue('chat', {
		kind: 'json',
		json: {
			chatId: 'chat-started',
			messages: [
				{
					author: 'GLEAN_AI',
					messageType: 'UPDATE',
					messageId: 'u',
					fragments: [{ text: 'Search company knowledge' }],
				},
			],
		},
	});
	const staticData: IDataObject = {};
	const ask = async (chatInput: string) =>
		await runGleanNode({
			parameters: sendMessage({}),
			items: [{ json: { sessionId: 's1', chatInput } }],
			credentials: setup.credentials(),
			staticData,
			continueOnFail: true,
		});
	const first = await ask('first');
	expect(first.items[0].json.error).toMatch(/^Glean returned no answer text/);
	await ask('second');
	expect(sent().map((body) => body.chatId)).toEqual([undefined, 'chat-started']);
});

describe('Session Key under Concurrency: waiting messages hold no place, and stop with the run', () => {
	const items = (messages: Array<[string, string]>) =>
		messages.map(([sessionId, chatInput]) => ({ json: { sessionId, chatInput } }));

	test('other sessions go ahead while one session’s messages wait their turn', async () => {
		setup.glean.responseDelayMs = 40;
		const { error } = await runGleanNode({
			parameters: sendMessage({ concurrency: 3 }),
			items: items([
				['s1', 'a'],
				['s1', 'b'],
				['s1', 'c'],
				['s1', 'd'],
				['s2', 'x'],
				['s3', 'y'],
			]),
			credentials: setup.credentials(),
			staticData: {},
		});
		expect(error).toBeUndefined();
		// s1's first message, s2 and s3 at once: the waiting s1 messages do not take the places.
		expect(setup.glean.maxInFlight).toBe(3);
		expect(
			sent()
				.filter((body) => ['a', 'b', 'c', 'd'].includes(body.messages[0].fragments[0].text))
				.map((body) => body.messages[0].fragments[0].text),
		).toEqual(['a', 'b', 'c', 'd']);
	});

	test('without Continue On Fail, a failed message stops its session’s next ones from being sent', async () => {
		setup.glean.enqueue('chat', { kind: 'text', status: 400, text: 'Bad Request' });
		const { error } = await runGleanNode({
			parameters: sendMessage({ concurrency: 4 }),
			items: items([
				['s1', 'one'],
				['s1', 'two'],
				['s1', 'three'],
				['s1', 'four'],
			]),
			credentials: setup.credentials(),
			staticData: {},
		});
		expect(error?.message).toMatch(/^Glean answered 400/);
		expect(sent().map((body) => body.messages[0].fragments[0].text)).toEqual(['one']);
	});
});
