import type { IDataObject } from 'n8n-workflow';

import { GleanEmulator } from '../emulator/gleanEmulator';
import { runGleanNode } from '../harness/n8nHarness';

let glean: GleanEmulator;
const TOKEN = 'chat-ops-token-abcdef';

beforeAll(async () => {
	glean = await GleanEmulator.start({ token: TOKEN });
});
afterAll(async () => await glean.stop());
beforeEach(() => {
	glean.reset();
	for (const [index, id] of ['chat-a', 'chat-b', 'chat-c'].entries()) {
		glean.chats.set(id, {
			id,
			name: `Chat ${index}`,
			createTime: 1_700_000_000 + index,
			updateTime: 1_700_000_100 + index,
			applicationId: index === 1 ? 'app-1' : undefined,
			messages: [
				{
					author: 'USER',
					messageType: 'CONTENT',
					messageId: `u-${id}`,
					fragments: [{ text: `Question ${index}?` }],
					ts: '2026-11-01T10:00:00Z',
				},
				{
					author: 'GLEAN_AI',
					messageType: 'CONTENT',
					messageId: `a-${id}`,
					ts: '2026-11-01T10:00:05Z',
					fragments: [
						{ text: 'Answer ' },
						{
							text: '',
							citation: {
								sourceDocument: {
									id: 'DOC_1',
									title: 'Doc one',
									url: 'https://d/1',
									datasource: 'gdrive',
								},
							},
						},
						{ text: `${index}.` },
					],
					citations: [
						{
							sourceDocument: {
								id: 'DOC_1',
								title: 'Doc one',
								url: 'https://d/1',
								datasource: 'gdrive',
							},
						},
					],
				},
			],
		});
	}
});
afterEach(() => expect(glean.violations).toEqual([]));

const credentials = () => ({ baseUrl: glean.baseUrl, apiToken: TOKEN });

describe('Chat → Get Many', () => {
	test('one item per chat with its metadata on top, sent without a body', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'getAll', returnAll: true },
			credentials: credentials(),
		});
		expect(items.map((item) => item.json)).toEqual([
			{
				id: 'chat-a',
				name: 'Chat 0',
				createTime: 1_700_000_000,
				updateTime: 1_700_000_100,
				trackingToken: 'tt-chat-a',
			},
			{
				id: 'chat-b',
				name: 'Chat 1',
				createTime: 1_700_000_001,
				updateTime: 1_700_000_101,
				applicationId: 'app-1',
				trackingToken: 'tt-chat-b',
			},
			{
				id: 'chat-c',
				name: 'Chat 2',
				createTime: 1_700_000_002,
				updateTime: 1_700_000_102,
				trackingToken: 'tt-chat-c',
			},
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		const [request] = glean.requestsTo('listchats');
		expect(request.method).toBe('POST');
		expect(request.rawBody.length).toBe(0);
		expect(request.query.timezoneOffset).toBe('0');
	});

	test('Limit caps the items', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'getAll', returnAll: false, limit: 2 },
			credentials: credentials(),
		});
		expect(items.map((item) => item.json.id)).toEqual(['chat-a', 'chat-b']);
	});

	test('a 401 fails with Glean’s text; with Continue On Fail it is an error item', async () => {
		const failing = { baseUrl: glean.baseUrl, apiToken: 'wrong' };
		const { error } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'getAll', returnAll: true },
			credentials: failing,
		});
		expect(error?.message).toBe('Glean answered 401: Invalid Secret');
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'getAll', returnAll: true },
			credentials: failing,
			continueOnFail: true,
		});
		expect(items).toEqual([
			{
				json: expect.objectContaining({
					error: 'Glean answered 401: Invalid Secret',
					httpCode: '401',
				}),
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('Chat → Get', () => {
	test('the chat with simplified messages', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'get', chatId: 'chat-b' },
			credentials: credentials(),
		});
		expect(glean.requestsTo('getchat')[0].body).toEqual({ id: 'chat-b' });
		expect(items[0].json).toMatchObject({
			id: 'chat-b',
			name: 'Chat 1',
			applicationId: 'app-1',
			trackingToken: 'tt-chat-b',
		});
		expect(items[0].json.messages).toEqual([
			{
				author: 'USER',
				type: 'CONTENT',
				text: 'Question 1?',
				citations: [],
				time: '2026-11-01T10:00:00Z',
				messageId: 'u-chat-b',
			},
			{
				author: 'GLEAN_AI',
				type: 'CONTENT',
				text: 'Answer 1.',
				citations: [
					{
						title: 'Doc one',
						url: 'https://d/1',
						datasource: 'gdrive',
						documentId: 'DOC_1',
						type: 'document',
					},
				],
				time: '2026-11-01T10:00:05Z',
				messageId: 'a-chat-b',
			},
		]);
	});

	test('Simplify off keeps Glean’s messages whole', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'get', chatId: 'chat-a', simplify: false },
			credentials: credentials(),
		});
		expect((items[0].json.messages as IDataObject[])[1].fragments).toHaveLength(3);
	});

	test('a 404 with Glean’s plain text', async () => {
		const { error } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'get', chatId: 'nope' },
			credentials: credentials(),
		});
		expect(error?.message).toBe('Glean answered 404: Chat not found');
		expect(error?.description).toContain('Glean has no chat "nope" for this user');
	});

	test('a 403 permission-denied answer names the owner and how to get access', async () => {
		glean.enqueue('getchat', {
			kind: 'json',
			status: 403,
			json: {
				errorType: 'PERMISSION_DENIED',
				createdBy: {
					name: 'Dana Owner',
					obfuscatedId: 'X1',
					metadata: { email: 'dana@example.com' },
				},
				requestableRoles: ['VIEWER'],
				hasPendingRequest: false,
			},
		});
		const { error } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'get', chatId: 'chat-a' },
			credentials: credentials(),
		});
		expect(error?.message).toBe(
			'Glean answered 403: you do not have access; it belongs to Dana Owner (dana@example.com)',
		);
		expect(error?.description).toContain(
			'Ask the owner for access in Glean (you can request: VIEWER)',
		);
	});

	test('Continue On Fail: one error item per failing input, the rest go on', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'get', chatId: '={{ $json.id }}' },
			items: [
				{ json: { id: 'chat-a' } },
				{ json: { id: 'missing' } },
				{ json: { id: '' } },
				{ json: { id: 'chat-c' } },
			],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items.map((item) => [item.pairedItem, item.json.id ?? item.json.error])).toEqual([
			[{ item: 0 }, 'chat-a'],
			[{ item: 1 }, 'Glean answered 404: Chat not found'],
			[{ item: 2 }, 'Item 2: the "Chat ID" parameter is empty'],
			[{ item: 3 }, 'chat-c'],
		]);
		expect(glean.requestsTo('getchat')).toHaveLength(3);
	});
});

describe('Chat → Delete', () => {
	test('one ID, a comma-separated list, or an array; one confirmation item per input', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'delete', chatIds: '={{ $json.ids }}' },
			items: [
				{ json: { ids: 'chat-a' } },
				{ json: { ids: ' chat-b , ,' } },
				{ json: { ids: ['chat-c', ''] } },
			],
			credentials: credentials(),
		});
		expect(glean.requestsTo('deletechats').map((request) => request.body)).toEqual([
			{ ids: ['chat-a'] },
			{ ids: ['chat-b'] },
			{ ids: ['chat-c'] },
		]);
		expect(items).toEqual([
			{ json: { deleted: true, chatIds: ['chat-a'] }, pairedItem: { item: 0 } },
			{ json: { deleted: true, chatIds: ['chat-b'] }, pairedItem: { item: 1 } },
			{ json: { deleted: true, chatIds: ['chat-c'] }, pairedItem: { item: 2 } },
		]);
		expect(glean.chats.size).toBe(0);
	});

	test('nothing to delete is an error before any request', async () => {
		const { error } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'delete', chatIds: ' , ' },
			credentials: credentials(),
		});
		expect(error?.message).toBe('Item 0: the "Chat IDs" parameter has no ID');
		expect(glean.requests).toHaveLength(0);
	});

	test('a 400 from Glean is reported with its text, and Continue On Fail keeps going', async () => {
		glean.enqueue('deletechats', { kind: 'text', status: 400, text: 'Bad Request\n' });
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'delete', chatIds: '={{ $json.id }}' },
			items: [{ json: { id: 'chat-a' } }, { json: { id: 'chat-b' } }],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items[0]).toEqual({
			json: expect.objectContaining({ error: 'Glean answered 400: Bad Request', httpCode: '400' }),
			pairedItem: { item: 0 },
		});
		expect(items[1]).toEqual({
			json: { deleted: true, chatIds: ['chat-b'] },
			pairedItem: { item: 1 },
		});
	});
});

describe('Chat → Delete All', () => {
	test('deletes every chat with a body-less request and gives one item', async () => {
		const { items } = await runGleanNode({
			parameters: {
				resource: 'chat',
				operation: 'deleteAll',
				options: { actAs: 'someone@example.com' },
			},
			credentials: credentials(),
		});
		expect(items).toEqual([{ json: { deleted: true, allChats: true }, pairedItem: { item: 0 } }]);
		const [request] = glean.requestsTo('deleteallchats');
		expect(request.rawBody.length).toBe(0);
		expect(request.headers['x-glean-actas']).toBe('someone@example.com');
		expect(glean.chats.size).toBe(0);
	});

	test('a 403 says the token lacks the CHAT scope; Continue On Fail gives an error item', async () => {
		glean.enqueue('deleteallchats', { kind: 'text', status: 403, text: 'Forbidden' });
		const { items } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'deleteAll' },
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items[0].json).toMatchObject({
			error: 'Glean answered 403: Forbidden',
			httpCode: '403',
		});
		expect(items[0].json.description).toContain('CHAT scope');
	});
});

describe('Application → Get', () => {
	test('returns the application', async () => {
		glean.applications.set('app-1', {
			id: 'app-1',
			name: 'Support bot',
			description: 'Answers support questions',
		});
		const { items } = await runGleanNode({
			parameters: { resource: 'application', operation: 'get', applicationId: 'app-1' },
			credentials: credentials(),
		});
		expect(glean.requestsTo('getchatapplication')[0].body).toEqual({ id: 'app-1' });
		expect(items).toEqual([
			{
				json: { id: 'app-1', name: 'Support bot', description: 'Answers support questions' },
				pairedItem: { item: 0 },
			},
		]);
	});

	test('a 404 with Glean’s text; Continue On Fail gives an error item', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'application', operation: 'get', applicationId: 'nope' },
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items[0]).toEqual({
			json: expect.objectContaining({ error: 'Glean answered 404: Application not found' }),
			pairedItem: { item: 0 },
		});
	});
});
