import { DateTime } from 'luxon';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ChatStreamAggregator } from '../../nodes/GleanChat/helpers/chatStreamAggregator';
import {
	conversationLines,
	conversationResponse,
	defaultConversation,
	answerDeltas,
	expectedAnswerText,
	liveText,
} from '../emulator/conversation';
import { GleanEmulator } from '../emulator/gleanEmulator';
import { runGleanNode } from '../harness/n8nHarness';

let glean: GleanEmulator;
const TOKEN = 'glean-secret-token-0123456789';

beforeAll(async () => {
	glean = await GleanEmulator.start({ token: TOKEN });
});
afterAll(async () => await glean.stop());
beforeEach(() => glean.reset());
// Every request the node made in a test must be valid against Glean's spec.
afterEach(() => expect(glean.violations).toEqual([]));

const credentials = (extra: IDataObject = {}) =>
	({ baseUrl: glean.baseUrl, apiToken: TOKEN, ...extra }) as Record<string, string>;

const sendMessage = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: 'What changed in the roadmap?',
	...parameters,
});

/** What the node must output for `conversation`, computed from Glean's whole (non-streamed) answer. */
function expectedItem(
	conversation = defaultConversation('What changed in the roadmap?'),
): IDataObject {
	const aggregator = new ChatStreamAggregator();
	aggregator.addResponse(conversationResponse(conversation));
	return aggregator.toSimplified() as unknown as IDataObject;
}

describe('Send Message, streamed', () => {
	test.each(Array.from({ length: 12 }, (_, seed) => seed + 1))(
		'random chunk boundaries over real HTTP give the full answer (seed %i)',
		async (seed) => {
			const conversation = defaultConversation('What changed in the roadmap?');
			glean.enqueue('chat', {
				kind: 'ndjson',
				body: conversationLines(conversation),
				chunking: { random: { seed, maxSize: [1, 2, 7, 64, 512, 5000][seed % 6] } },
			});
			const { items, error } = await runGleanNode({
				parameters: sendMessage(),
				credentials: credentials(),
			});
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			expect(items[0].json).toEqual(expectedItem(conversation));
			expect(items[0].pairedItem).toEqual({ item: 0 });
		},
	);

	test('sends "stream": true, only the new USER message, and the three headers', async () => {
		await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials({ actAs: 'ceo@example.com', authType: 'oauth' }),
		});
		const [request] = glean.requestsTo('chat');
		expect(request.method).toBe('POST');
		expect(request.body).toEqual({
			messages: [
				{
					author: 'USER',
					messageType: 'CONTENT',
					fragments: [{ text: 'What changed in the roadmap?' }],
				},
			],
			stream: true,
		});
		expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(request.headers['x-glean-actas']).toBe('ceo@example.com');
		expect(request.headers['x-glean-auth-type']).toBe('OAUTH');
		expect(request.headers['content-type']).toMatch(/^application\/json/);
	});

	test('no Act As or auth-type header when the credential leaves them unset', async () => {
		await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		const [request] = glean.requestsTo('chat');
		expect(request.headers).not.toHaveProperty('x-glean-actas');
		expect(request.headers).not.toHaveProperty('x-glean-auth-type');
	});

	test('the node’s Act As option overrides the credential’s', async () => {
		await runGleanNode({
			parameters: sendMessage({ options: { actAs: 'analyst@example.com' } }),
			credentials: credentials({ actAs: 'ceo@example.com' }),
		});
		expect(glean.requestsTo('chat')[0].headers['x-glean-actas']).toBe('analyst@example.com');
	});

	test('a base URL given with a trailing /rest/api/v1/ still reaches the right path', async () => {
		await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials({ baseUrl: `${glean.baseUrl}/rest/api/v1/` }),
		});
		expect(glean.requestsTo('chat')).toHaveLength(1);
		expect(glean.requests[0].path).toBe('/rest/api/v1/chat');
	});

	test('with n8n streaming, sends begin, each answer delta as an item, and end; still returns the item', async () => {
		const conversation = defaultConversation('What changed in the roadmap?');
		const { items, chunks, error } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
			streaming: true,
		});
		expect(error).toBeUndefined();
		expect(chunks.map((chunk) => chunk.type)).toEqual([
			'begin',
			...answerDeltas(conversation).map(() => 'item'),
			'end',
		]);
		expect(chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content)).toEqual(
			answerDeltas(conversation),
		);
		expect(
			chunks.every(
				(chunk) => chunk.metadata.itemIndex === 0 && chunk.metadata.nodeName === 'Glean Chat',
			),
		).toBe(true);
		expect(items[0].json).toEqual(expectedItem(conversation));
	});

	test('text on a last line without newline still reaches the live stream', async () => {
		const conversation = defaultConversation('What changed in the roadmap?');
		conversation.legacyCitations = false;
		const lines = conversationLines(conversation);
		// Drop the final metadata line and the trailing newline: the body ends on an answer delta.
		const body = lines
			.slice(0, -1)
			.map((line) => JSON.stringify(line))
			.join('\n');
		glean.enqueue('chat', { kind: 'ndjson', body, chunking: 'whole' });
		const { items, chunks } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
			streaming: true,
		});
		const streamed = chunks
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => chunk.content)
			.join('');
		expect(streamed).toBe(liveText(conversation));
		expect(streamed.endsWith(`\n\n${items[0].json.answer as string}`)).toBe(true);
		expect(chunks[chunks.length - 1].type).toBe('end');
	});

	test('without n8n streaming no chunk is sent', async () => {
		const { chunks } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
		});
		expect(chunks).toEqual([]);
	});
});

describe('Send Message, not streamed', () => {
	test('sends "stream": false, reads the JSON answer, and gives the same item as the stream', async () => {
		const streamed = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		const whole = await runGleanNode({
			parameters: sendMessage({ stream: false }),
			credentials: credentials(),
		});
		expect(glean.requestsTo('chat').map((request) => (request.body as IDataObject).stream)).toEqual(
			[true, false],
		);
		expect(whole.error).toBeUndefined();
		expect(whole.items[0].json).toEqual(streamed.items[0].json);
		expect(whole.items[0].json).toEqual(expectedItem());
	});
});

describe('Send Message, raw output', () => {
	test('simplify off gives the merged ChatResponse with every field Glean sent', async () => {
		const { items } = await runGleanNode({
			parameters: sendMessage({ simplify: false }),
			credentials: credentials(),
		});
		const raw = items[0].json as {
			messages: IDataObject[];
			followUpPrompts: string[];
			chatSessionTrackingToken: string;
		};
		const content = raw.messages.filter((message) => message.messageType === 'CONTENT');
		// The plan Glean wrote before its tools, then the answer: both kept, as Glean sent them.
		expect(content.map((message) => message.messageId)).toEqual(['msg-intro', 'msg-answer']);
		const answer = content.slice(1);
		expect(answer[0]).toMatchObject({
			messageId: 'msg-answer',
			queryTrackingToken: 'qt-1',
			stepId: 'STEP_WRITE',
		});
		const text = (answer[0].fragments as IDataObject[])
			.map((fragment) => (typeof fragment.text === 'string' ? fragment.text : ''))
			.join('');
		expect(text).toBe(expectedAnswerText(defaultConversation('')));
		expect(
			(answer[0].fragments as IDataObject[]).filter((fragment) => fragment.citation),
		).toHaveLength(2);
		expect((answer[0].citations as IDataObject[]).length).toBe(2);
		expect(raw.followUpPrompts).toHaveLength(2);
		expect(raw.chatSessionTrackingToken).toBe('KgA=');
		expect(raw.messages.map((message) => message.messageId)).toEqual([
			'msg-intro',
			'msg-plan',
			'msg-search',
			'msg-read',
			'msg-search-done',
			'msg-write',
			'msg-answer',
		]);
	});
});

describe('Send Message options', () => {
	test('every option reaches its ChatRequest field, and the request is valid against the spec', async () => {
		glean.chats.set('chat-42', {
			id: 'chat-42',
			name: 'Roadmap',
			createTime: 1,
			updateTime: 1,
			messages: [],
		});
		await runGleanNode({
			parameters: sendMessage({
				chatId: 'chat-42',
				options: {
					agent: 'ADVANCED',
					mode: 'DEFAULT',
					enableWebSearch: false,
					enableCompanyTools: true,
					agentId: 'agent-7',
					applicationId: 'app-3',
					timeoutMillis: 45000,
					fileIds: 'FILE_1, ,FILE_2',
					inclusions: {
						filters: {
							datasourceInstances: 'confluence, gdrive',
							documents: 'DOC_1, https://wiki.example.com/page',
							containers: 'https://drive.example.com/folder/9',
						},
					},
					exclusions: { filters: { datasourceInstances: 'slack' } },
					timezoneOffset: -420,
					locale: 'pt-BR',
				},
			}),
			credentials: credentials(),
		});
		const [request] = glean.requestsTo('chat');
		expect(request.query).toEqual({ timezoneOffset: '-420', locale: 'pt-BR' });
		expect(request.body).toEqual({
			messages: [
				{
					author: 'USER',
					messageType: 'CONTENT',
					fragments: [{ text: 'What changed in the roadmap?' }],
					uploadedFileIds: ['FILE_1', 'FILE_2'],
				},
			],
			stream: true,
			chatId: 'chat-42',
			saveChat: true,
			agentConfig: {
				agent: 'ADVANCED',
				mode: 'DEFAULT',
				toolSets: { enableWebSearch: false, enableCompanyTools: true },
			},
			agentId: 'agent-7',
			applicationId: 'app-3',
			timeoutMillis: 45000,
			inclusions: {
				datasourceInstances: ['confluence', 'gdrive'],
				documentSpecs: [{ id: 'DOC_1' }, { url: 'https://wiki.example.com/page' }],
				containerSpecs: [{ url: 'https://drive.example.com/folder/9' }],
			},
			exclusions: { datasourceInstances: ['slack'] },
		});
	});

	test('File IDs from an expression array reach uploadedFileIds', async () => {
		await runGleanNode({
			parameters: sendMessage({ options: { fileIds: '={{ $json.files }}' } }),
			items: [{ json: { files: ['FILE_A', ' FILE_B '] } }],
			credentials: credentials(),
		});
		const body = glean.requestsTo('chat')[0].body as { messages: IDataObject[] };
		expect(body.messages[0].uploadedFileIds).toEqual(['FILE_A', 'FILE_B']);
	});

	test('a Chat ID mapped from a field the item lacks starts a new chat (never chatId "undefined")', async () => {
		const { items, error } = await runGleanNode({
			parameters: sendMessage({ chatId: '={{ $json.chatId }}' }),
			items: [{ json: {} }],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		const body = glean.requestsTo('chat')[0].body as IDataObject;
		expect(body.chatId).toBeUndefined();
		expect(body.saveChat).toBeUndefined();
		expect(items[0].json.answer).toBe(
			expectedAnswerText(defaultConversation('What changed in the roadmap?')),
		);
	});

	test('Save Chat returns the new chat ID, and a follow-up with that ID continues the chat', async () => {
		const first = await runGleanNode({
			parameters: sendMessage({ options: { saveChat: true } }),
			credentials: credentials(),
		});
		const chatId = first.items[0].json.chatId as string;
		expect(chatId).toMatch(/^chat-/);
		const second = await runGleanNode({
			parameters: sendMessage({ message: 'And who owns it?', chatId }),
			credentials: credentials(),
		});
		expect(second.error).toBeUndefined();
		const followUp = glean.requestsTo('chat')[1].body as IDataObject;
		expect(followUp).toMatchObject({ chatId, saveChat: true });
		// Only the newest user message is sent: Glean holds the history for the chat ID.
		expect(followUp.messages).toEqual([
			{ author: 'USER', messageType: 'CONTENT', fragments: [{ text: 'And who owns it?' }] },
		]);
		expect(
			glean.chats.get(chatId)?.messages.filter((message) => message.author === 'USER'),
		).toHaveLength(2);
	});

	test.each([['America/Los_Angeles'], ['Asia/Kolkata'], ['Europe/Berlin']])(
		'the timezone offset defaults from the workflow’s time zone (%s)',
		async (timezone) => {
			await runGleanNode({ parameters: sendMessage(), credentials: credentials(), timezone });
			const expected = DateTime.now().setZone(timezone).offset;
			expect(glean.requestsTo('chat')[0].query.timezoneOffset).toBe(String(expected));
		},
	);
});

describe('Send Message answers that are not a plain 200', () => {
	test('a 202 gives an item saying the request was queued', async () => {
		glean.enqueue('chat', {
			kind: 'json',
			status: 202,
			json: { chatId: 'chat-9', queuedRequestId: 'qr-xyz', isSavedToChatHistory: true },
		});
		glean.chats.set('chat-9', {
			id: 'chat-9',
			name: 'x',
			createTime: 1,
			updateTime: 1,
			messages: [],
		});
		const { items, error } = await runGleanNode({
			parameters: sendMessage({ chatId: 'chat-9' }),
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({
			queued: true,
			chatId: 'chat-9',
			queuedRequestId: 'qr-xyz',
			isSavedToChatHistory: true,
		});
	});

	test('a 202 on a non-streamed request gives the same queued item', async () => {
		glean.enqueue('chat', {
			kind: 'json',
			status: 202,
			json: { chatId: 'chat-9', queuedRequestId: 'qr-1' },
		});
		const { items } = await runGleanNode({
			parameters: sendMessage({ stream: false }),
			credentials: credentials(),
		});
		expect(items[0].json).toEqual({ queued: true, chatId: 'chat-9', queuedRequestId: 'qr-1' });
	});

	test('a 401 with Glean’s plain-text body gives a helpful error without the token', async () => {
		const { error, items } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials({ apiToken: `${TOKEN}-revoked` }),
		});
		expect(items).toEqual([]);
		expect(error?.message).toBe('Glean answered 401: Invalid Secret');
		expect(error?.description).toContain('not revoked, or create a new one in Glean');
		expect(error?.description).toContain('Invalid Secret\nNot allowed');
		expect(error?.httpCode).toBe('401');
		expect(JSON.stringify(error)).not.toContain(TOKEN);
		expect(String(error?.stack)).not.toContain(TOKEN);
	});

	test('a global token without Act As gets Glean’s 400 and the fix', async () => {
		glean.requireActAs = true;
		const { error } = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		expect(error?.message).toBe('Glean answered 400: Required header missing: X-Glean-ActAs');
		expect(error?.description).toContain('fill "Act As (Email)"');
	});

	test('a 403 says the token needs the CHAT scope', async () => {
		glean.enqueue('chat', { kind: 'text', status: 403, text: 'Forbidden\nMissing scope' });
		const { error } = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		expect(error?.message).toBe('Glean answered 403: Forbidden');
		expect(error?.description).toContain('CHAT scope');
	});

	test('an ERROR message mid-stream fails the item with Glean’s text', async () => {
		const lines = conversationLines(defaultConversation('q'));
		// Past the plan and the tool steps, five lines into the answer.
		const inAnswer =
			lines.findIndex((line) => JSON.stringify(line).includes('"messageId":"msg-answer"')) + 5;
		glean.enqueue('chat', {
			kind: 'ndjson',
			body: [
				...lines.slice(0, inAnswer),
				{
					messages: [
						{
							author: 'GLEAN_AI',
							messageType: 'ERROR',
							fragments: [{ text: 'Model capacity exceeded' }],
						},
					],
				},
			],
		});
		const { error } = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		expect(error?.message).toBe('Glean reported an error while answering: Model capacity exceeded');
	});

	test('with Continue On Fail the ERROR item carries Glean’s text and the partial answer', async () => {
		const lines = conversationLines(defaultConversation('q'));
		// Past the plan and the tool steps, five lines into the answer.
		const inAnswer =
			lines.findIndex((line) => JSON.stringify(line).includes('"messageId":"msg-answer"')) + 5;
		glean.enqueue('chat', {
			kind: 'ndjson',
			body: [
				...lines.slice(0, inAnswer),
				{
					messages: [
						{
							author: 'GLEAN_AI',
							messageType: 'ERROR',
							fragments: [{ text: 'Model capacity exceeded' }],
						},
					],
				},
			],
		});
		const { items, error } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json.error).toBe(
			'Glean reported an error while answering: Model capacity exceeded',
		);
		expect(items[0].json.partial).toBe(true);
		const partial = items[0].json.partialAnswer as IDataObject;
		expect(typeof partial.answer).toBe('string');
		expect(expectedAnswerText(defaultConversation('q')).startsWith(partial.answer as string)).toBe(
			true,
		);
		expect((partial.answer as string).length).toBeGreaterThan(0);
	});

	test('a connection dropped mid-stream is an error, never a shorter answer', async () => {
		glean.enqueue('chat', {
			kind: 'ndjson',
			body: conversationLines(defaultConversation('q')),
			dropAfterBytes: 3000,
			chunking: { sizes: [500] },
		});
		const { error, items } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
		});
		expect(items).toEqual([]);
		expect(error?.message).toMatch(
			/^Glean's answer stopped before it was complete: the connection to Glean was lost after \d+ line\(s\) of the answer/,
		);
	});

	test('a 200 with an empty stream is an error, not an empty answer', async () => {
		glean.enqueue('chat', { kind: 'ndjson', body: '' });
		const { error, items } = await runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
		});
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			"Glean's answer stopped before it was complete: Glean ended the answer without sending anything",
		);
	});

	test('an answer that is not JSON (e.g. the web app’s HTML) says to check the Base URL', async () => {
		glean.enqueue('chat', { kind: 'text', status: 200, text: '<!doctype html><html>Glean</html>' });
		const { error } = await runGleanNode({
			parameters: sendMessage({ stream: false }),
			credentials: credentials(),
		});
		expect(error?.message).toBe("The answer to chat was not Glean's: 200 with an HTML page");
		expect(error?.description).toContain('-be.glean.com');
	});

	test('a malformed line is an error naming the line', async () => {
		const lines = conversationLines(defaultConversation('q'));
		glean.enqueue('chat', { kind: 'ndjson', body: [lines[0], '{"messages": [oops', lines[1]] });
		const { error } = await runGleanNode({ parameters: sendMessage(), credentials: credentials() });
		expect(error?.message).toContain('line 2 is not a JSON object');
	});
});

describe('Send Message cancellation', () => {
	test('cancelling the execution stops reading a slow stream', async () => {
		const lines = conversationLines(defaultConversation('q'));
		// About 70 lines at 1 s each: far longer than the test's timeout if cancellation did not work.
		glean.enqueue('chat', { kind: 'ndjson', body: lines, delayMs: 1000 });
		const cancel = new AbortController();
		const received = glean.nextRequest('chat');
		const running = runGleanNode({
			parameters: sendMessage(),
			credentials: credentials(),
			cancel: cancel.signal,
		});
		const request = await received;
		cancel.abort();
		const { run, items } = await running;
		expect(run.status).toBe('canceled');
		expect(items).toEqual([]);
		// The node hung up: the emulator saw the connection close before its answer ended.
		expect(await request.closed).toBe(true);
	});
});

describe('Send Message with several items', () => {
	test('three items are answered in order with the right pairedItem', async () => {
		const questions = ['First question?', 'Second question?', 'Third question?'];
		const { items } = await runGleanNode({
			parameters: sendMessage({ message: '={{ $json.question }}' }),
			items: questions.map((question) => ({ json: { question } })),
			credentials: credentials(),
		});
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(
			glean
				.requestsTo('chat')
				.map(
					(request) =>
						(request.body as { messages: Array<{ fragments: IDataObject[] }> }).messages[0]
							.fragments[0].text,
				),
		).toEqual(questions);
		// The emulator's plan step names the question it answered.
		expect(
			items.map(
				(item) => (item.json.steps as IDataObject[]).find((step) => step.type === 'plan')?.text,
			),
		).toEqual(questions.map((question) => `Search company knowledge for: ${question}`));
	});

	test("the credential is read once per item by the node (n8n's request helper reads it once more)", async () => {
		const { credentialReads, items } = await runGleanNode({
			parameters: sendMessage({ message: '={{ $json.q }}' }),
			items: [{ json: { q: 'a' } }, { json: { q: 'b' } }, { json: { q: 'c' } }],
			credentials: credentials(),
		});
		expect(items).toHaveLength(3);
		expect(credentialReads).toBe(3 * 2);
	});

	test('Continue On Fail: the failing item becomes an error item and the rest go on', async () => {
		glean.enqueue('chat', { kind: 'ndjson', body: conversationLines(defaultConversation('a')) });
		glean.enqueue('chat', { kind: 'text', status: 401, text: 'Invalid Secret\nNot allowed' });
		const { items, error } = await runGleanNode({
			parameters: sendMessage({ message: '={{ $json.question }}' }),
			items: [
				{ json: { question: 'a' } },
				{ json: { question: 'b' } },
				{ json: { question: '  ' } },
				{ json: { question: 'd' } },
			],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(items[0].json.answer).toBe(expectedAnswerText(defaultConversation('a')));
		expect(items[1].json).toMatchObject({
			error: 'Glean answered 401: Invalid Secret',
			httpCode: '401',
		});
		expect(items[2].json.error).toBe('Item 2: the "Message" parameter is empty');
		expect(items[3].json.answer).toBe(expectedAnswerText(defaultConversation('d')));
		expect(glean.requestsTo('chat')).toHaveLength(3);
	});

	test('an empty message fails before any request reaches Glean', async () => {
		const { error } = await runGleanNode({
			parameters: sendMessage({ message: '={{ $json.question }}' }),
			items: [{ json: { question: 'fine' } }, { json: { question: '' } }],
			credentials: credentials(),
		});
		expect(error?.message).toBe('Item 1: the "Message" parameter is empty');
		expect(error?.description).toContain('Nothing was sent to Glean');
		expect((error?.context as IDataObject).itemIndex).toBe(1);
		expect(glean.requestsTo('chat')).toHaveLength(1);
	});
});
