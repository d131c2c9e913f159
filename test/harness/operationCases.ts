import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { defaultConversation, expectedAnswerText } from '../emulator/conversation';
import type { GleanEmulator } from '../emulator/gleanEmulator';
import type { TestItem } from './n8nHarness';

/**
 * Every operation of the node, ready to run against the emulator: its parameters, the state
 * it needs, the endpoint it calls, and how to recognise its normal result. Shared by the
 * tables that run one fault or one input over all operations.
 */
export interface OperationCase {
	name: string;
	/** The emulator endpoint the operation calls (as `GleanEmulator.requestsTo` names it). */
	endpoint: string;
	parameters: INodeParameters;
	items?: TestItem[];
	/** False for a Send Message saved to a chat: only 429/503 may be tried again. */
	idempotent: boolean;
	/** A streamed Send Message. */
	stream?: boolean;
	/** Puts what the operation needs into the emulator (after `reset`). */
	setup?: (glean: GleanEmulator) => void;
	/** Asserts the normal, successful output. */
	expectSuccess: (items: INodeExecutionData[]) => void;
}

export const QUESTION = 'What changed in the roadmap?';

/** A file of `size` bytes (Glean wants 1 KB to 64 MB). */
export function testFile(size = 2048, fileName = 'notes.txt'): TestItem['files'] {
	return {
		data: { base64: Buffer.alloc(size, 'n').toString('base64'), fileName, mimeType: 'text/plain' },
	};
}

function withChat(glean: GleanEmulator): void {
	glean.chats.set('chat-1', {
		id: 'chat-1',
		name: 'Roadmap',
		createTime: 1_700_000_000,
		updateTime: 1_700_000_100,
		messages: [
			{ author: 'USER', messageType: 'CONTENT', fragments: [{ text: 'Earlier question?' }] },
		],
	});
}

function withFile(glean: GleanEmulator): void {
	glean.files.set('FILE_1', {
		id: 'FILE_1',
		name: 'notes.txt',
		mimeType: 'text/plain',
		data: Buffer.alloc(2048, 'n'),
		uploadTime: 1,
	});
}

const answered = (items: INodeExecutionData[]) => {
	expect(items).toHaveLength(1);
	expect(items[0].json.answer).toBe(expectedAnswerText(defaultConversation(QUESTION)));
	expect(items[0].pairedItem).toEqual({ item: 0 });
};

const sendMessage = (extra: IDataObject = {}): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: QUESTION,
	...extra,
});

export const operationCases: OperationCase[] = [
	{
		name: 'Send Message (streamed)',
		endpoint: 'chat',
		parameters: sendMessage(),
		idempotent: true,
		stream: true,
		expectSuccess: answered,
	},
	{
		name: 'Send Message (not streamed)',
		endpoint: 'chat',
		parameters: sendMessage({ stream: false }),
		idempotent: true,
		expectSuccess: answered,
	},
	{
		name: 'Send Message (streamed, saved to a new chat)',
		endpoint: 'chat',
		parameters: sendMessage({ options: { saveChat: true } }),
		idempotent: false,
		stream: true,
		expectSuccess: (items) => {
			answered(items);
			expect(items[0].json.chatId).toEqual(expect.any(String));
		},
	},
	{
		name: 'Send Message (not streamed, continuing a chat)',
		endpoint: 'chat',
		parameters: sendMessage({ stream: false, chatId: 'chat-1' }),
		idempotent: false,
		setup: withChat,
		expectSuccess: answered,
	},
	{
		name: 'Chat Get Many',
		endpoint: 'listchats',
		parameters: { resource: 'chat', operation: 'getAll', returnAll: true },
		idempotent: true,
		setup: withChat,
		expectSuccess: (items) => expect(items.map((item) => item.json.id)).toEqual(['chat-1']),
	},
	{
		name: 'Chat Get',
		endpoint: 'getchat',
		parameters: { resource: 'chat', operation: 'get', chatId: 'chat-1' },
		idempotent: true,
		setup: withChat,
		expectSuccess: (items) => expect(items.map((item) => item.json.id)).toEqual(['chat-1']),
	},
	{
		name: 'Chat Delete',
		endpoint: 'deletechats',
		parameters: { resource: 'chat', operation: 'delete', chatIds: 'chat-1' },
		idempotent: true,
		setup: withChat,
		expectSuccess: (items) =>
			expect(items.map((item) => item.json)).toEqual([{ deleted: true, chatIds: ['chat-1'] }]),
	},
	{
		name: 'Chat Delete All',
		endpoint: 'deleteallchats',
		parameters: { resource: 'chat', operation: 'deleteAll' },
		idempotent: true,
		setup: withChat,
		expectSuccess: (items) => expect(items.map((item) => item.json.deleted)).toEqual([true]),
	},
	{
		name: 'File Upload',
		endpoint: 'uploadchatfiles',
		parameters: { resource: 'file', operation: 'upload' },
		items: [{ json: {}, files: testFile() }],
		idempotent: true,
		expectSuccess: (items) => expect((items[0].json.fileIds as string[]).length).toBe(1),
	},
	{
		name: 'File Get',
		endpoint: 'getchatfiles',
		parameters: { resource: 'file', operation: 'get', fileIds: 'FILE_1' },
		idempotent: true,
		setup: withFile,
		expectSuccess: (items) => expect(items.map((item) => item.json.id)).toEqual(['FILE_1']),
	},
	{
		name: 'File Delete',
		endpoint: 'deletechatfiles',
		parameters: { resource: 'file', operation: 'delete', fileIds: 'FILE_1' },
		idempotent: true,
		setup: withFile,
		expectSuccess: (items) => expect(items.map((item) => item.json.deleted)).toEqual([true]),
	},
	{
		name: 'File Download',
		endpoint: 'chat-files/FILE_1',
		parameters: { resource: 'file', operation: 'download', fileId: 'FILE_1' },
		idempotent: true,
		setup: withFile,
		expectSuccess: (items) => expect(items[0].binary?.data?.fileName).toBe('notes.txt'),
	},
	{
		name: 'Application Get',
		endpoint: 'getchatapplication',
		parameters: { resource: 'application', operation: 'get', applicationId: 'app-1' },
		idempotent: true,
		setup: (glean) => glean.applications.set('app-1', { id: 'app-1', name: 'Support bot' }),
		expectSuccess: (items) =>
			expect(items[0].json).toMatchObject({ id: 'app-1', name: 'Support bot' }),
	},
];
