import { randomBytes } from 'node:crypto';

import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { GleanEmulator } from '../emulator/gleanEmulator';
import { runGleanNode } from '../harness/n8nHarness';
import type { TestItem } from '../harness/n8nHarness';

let glean: GleanEmulator;
const TOKEN = 'file-ops-token-abcdef';

beforeAll(async () => {
	glean = await GleanEmulator.start({ token: TOKEN });
});
afterAll(async () => await glean.stop());
beforeEach(() => glean.reset());
afterEach(() => expect(glean.violations).toEqual([]));

const credentials = () => ({ baseUrl: glean.baseUrl, apiToken: TOKEN });

const report = Buffer.from(`Quarterly report\n${'revenue grew; '.repeat(200)}`);
const diagram = randomBytes(3000);

function itemWithFiles(): TestItem {
	return {
		json: { ticket: 42 },
		files: {
			report: { base64: report.toString('base64'), fileName: 'report.txt', mimeType: 'text/plain' },
			diagram: {
				base64: diagram.toString('base64'),
				fileName: 'diagram.png',
				mimeType: 'image/png',
			},
		},
	};
}

describe('File → Upload', () => {
	test('several binary fields of one item go as parts named "files", with names and MIME types', async () => {
		const { items, error } = await runGleanNode({
			parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'report, diagram' },
			items: [itemWithFiles()],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		const [request] = glean.requestsTo('uploadchatfiles');
		expect(request.parts?.map((part) => [part.name, part.filename, part.contentType])).toEqual([
			['files', 'report.txt', 'text/plain'],
			['files', 'diagram.png', 'image/png'],
		]);
		expect(request.parts?.[0].data.equals(report)).toBe(true);
		expect(request.parts?.[1].data.equals(diagram)).toBe(true);
		const json = items[0].json as { files: IDataObject[]; fileIds: string[] };
		expect(json.files.map((file) => [file.name, file.status, file.mimeType])).toEqual([
			['report.txt', 'PROCESSED', 'text/plain'],
			['diagram.png', 'PROCESSED', 'image/png'],
		]);
		expect(json.fileIds).toEqual(json.files.map((file) => file.id));
		expect([...glean.files.keys()]).toEqual(json.fileIds);
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	test('a missing binary field names the field and lists the ones the item has; nothing is sent', async () => {
		const { error } = await runGleanNode({
			parameters: {
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'report, attachment',
			},
			items: [itemWithFiles()],
			credentials: credentials(),
		});
		expect(error?.message).toBe('Item 0 has no binary field "attachment"');
		expect(error?.description).toBe(
			'Set "Input Binary Field" to one of the item\'s binary fields: report, diagram. Nothing was sent to Glean.',
		);
		expect(glean.requests).toHaveLength(0);
	});

	test('Continue On Fail: an item without binary data becomes an error item, the others upload', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'report' },
			items: [itemWithFiles(), { json: { ticket: 43 } }, itemWithFiles()],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect((items[0].json.fileIds as string[]).length).toBe(1);
		expect(items[1].json.error).toBe('Item 1 has no binary field "report"');
		expect(items[1].json.description).toContain('no binary data at all');
		expect((items[2].json.fileIds as string[]).length).toBe(1);
		expect(glean.requestsTo('uploadchatfiles')).toHaveLength(2);
	});

	test('Glean’s 400 is reported with its text', async () => {
		glean.enqueue('uploadchatfiles', { kind: 'text', status: 400, text: 'File too small\n' });
		const { error } = await runGleanNode({
			parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'report' },
			items: [itemWithFiles()],
			credentials: credentials(),
		});
		expect(error?.message).toBe('Glean answered 400: File too small');
	});
});

describe('File → Get', () => {
	test('one item per file, each carrying its ID', async () => {
		glean.files.set('FILE_1', {
			id: 'FILE_1',
			name: 'a.pdf',
			mimeType: 'application/pdf',
			data: Buffer.alloc(2048),
			uploadTime: 1_700_000_000,
		});
		glean.files.set('FILE_2', {
			id: 'FILE_2',
			name: 'b.txt',
			mimeType: 'text/plain',
			data: Buffer.alloc(1500),
			uploadTime: 1_700_000_001,
		});
		const { items } = await runGleanNode({
			parameters: { resource: 'file', operation: 'get', fileIds: 'FILE_1, FILE_2' },
			credentials: credentials(),
		});
		expect(glean.requestsTo('getchatfiles')[0].body).toEqual({ fileIds: ['FILE_1', 'FILE_2'] });
		expect(
			items.map((item) => [
				item.json.id,
				item.json.name,
				item.json.status,
				item.json.processedSize,
				item.pairedItem,
			]),
		).toEqual([
			['FILE_1', 'a.pdf', 'PROCESSED', 2048, { item: 0 }],
			['FILE_2', 'b.txt', 'PROCESSED', 1500, { item: 0 }],
		]);
	});

	test('the ID comes from the map key when the file omits it', async () => {
		glean.enqueue('getchatfiles', {
			kind: 'json',
			json: {
				files: {
					FILE_9: {
						name: 'x.txt',
						metadata: { status: 'FAILED', failureReason: 'FILE_TOO_SMALL' },
					},
				},
			},
		});
		const { items } = await runGleanNode({
			parameters: { resource: 'file', operation: 'get', fileIds: 'FILE_9' },
			credentials: credentials(),
		});
		expect(items[0].json).toEqual({
			id: 'FILE_9',
			name: 'x.txt',
			status: 'FAILED',
			failureReason: 'FILE_TOO_SMALL',
		});
	});

	test('Glean’s 403 is reported with its text and the scope hint', async () => {
		glean.enqueue('getchatfiles', { kind: 'text', status: 403, text: 'Forbidden' });
		const { error } = await runGleanNode({
			parameters: { resource: 'file', operation: 'get', fileIds: 'FILE_1' },
			credentials: credentials(),
		});
		expect(error?.message).toBe('Glean answered 403: Forbidden');
		expect(error?.description).toContain('CHAT scope');
	});

	test('no file ID is an error before any request; Continue On Fail gives an error item', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'file', operation: 'get', fileIds: '={{ $json.ids }}' },
			items: [{ json: { ids: [] } }],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items).toEqual([
			{
				json: expect.objectContaining({ error: 'Item 0: the "File IDs" parameter has no ID' }),
				pairedItem: { item: 0 },
			},
		]);
		expect(glean.requests).toHaveLength(0);
	});
});

describe('File → Delete', () => {
	test('deletes the files and confirms', async () => {
		glean.files.set('FILE_1', {
			id: 'FILE_1',
			name: 'a',
			mimeType: 'text/plain',
			data: Buffer.alloc(1),
			uploadTime: 1,
		});
		const { items } = await runGleanNode({
			parameters: {
				resource: 'file',
				operation: 'delete',
				fileIds: ['FILE_1'] as unknown as string,
			},
			credentials: credentials(),
		});
		expect(glean.requestsTo('deletechatfiles')[0].body).toEqual({ fileIds: ['FILE_1'] });
		expect(items).toEqual([
			{ json: { deleted: true, fileIds: ['FILE_1'] }, pairedItem: { item: 0 } },
		]);
		expect(glean.files.size).toBe(0);
	});

	test('Glean’s 401 is reported without the token', async () => {
		const { error } = await runGleanNode({
			parameters: { resource: 'file', operation: 'delete', fileIds: 'FILE_1' },
			credentials: { ...credentials(), apiToken: 'bad-token-value' },
		});
		expect(error?.message).toBe('Glean answered 401: Invalid Secret');
		expect(JSON.stringify(error)).not.toContain('bad-token-value');
	});

	test('Continue On Fail: a failing delete becomes an error item, the next one goes on', async () => {
		glean.enqueue('deletechatfiles', { kind: 'text', status: 400, text: 'Bad Request' });
		const { items } = await runGleanNode({
			parameters: { resource: 'file', operation: 'delete', fileIds: '={{ $json.id }}' },
			items: [{ json: { id: 'FILE_1' } }, { json: { id: 'FILE_2' } }],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items[0]).toEqual({
			json: expect.objectContaining({ error: 'Glean answered 400: Bad Request', httpCode: '400' }),
			pairedItem: { item: 0 },
		});
		expect(items[1]).toEqual({
			json: { deleted: true, fileIds: ['FILE_2'] },
			pairedItem: { item: 1 },
		});
	});
});

describe('File → Download', () => {
	test('the bytes round-trip exactly, with Glean’s MIME type and file name; the input JSON is kept', async () => {
		const bytes = Buffer.concat([
			Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
			randomBytes(5000),
		]);
		glean.files.set('FILE_7', {
			id: 'FILE_7',
			name: 'chart 2026.png',
			mimeType: 'image/png',
			data: bytes,
			uploadTime: 1,
		});
		const { items, error } = await runGleanNode({
			parameters: {
				resource: 'file',
				operation: 'download',
				fileId: '={{ $json.fileId }}',
				binaryPropertyName: 'chart',
			},
			items: [{ json: { fileId: 'FILE_7', ticket: 42 } }],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		const [request] = glean.requestsTo('chat-files/FILE_7');
		expect(request.method).toBe('GET');
		expect(request.query).toEqual({});
		expect(items[0].json).toEqual({ fileId: 'FILE_7', ticket: 42 });
		const binary = items[0].binary?.chart as IBinaryData;
		expect(binary.mimeType).toBe('image/png');
		expect(binary.fileName).toBe('chart 2026.png');
		expect(Buffer.from(binary.data, 'base64').equals(bytes)).toBe(true);
	});

	test('without Content-Disposition the file is named after its ID', async () => {
		glean.enqueue('chat-files/FILE_8', {
			kind: 'bytes',
			data: Buffer.from('hello'),
			headers: { 'Content-Type': 'text/plain; charset=utf-8' },
		});
		const { items } = await runGleanNode({
			parameters: { resource: 'file', operation: 'download', fileId: 'FILE_8' },
			credentials: credentials(),
		});
		const binary = items[0].binary?.data as IBinaryData;
		expect([
			binary.fileName,
			binary.mimeType,
			Buffer.from(binary.data, 'base64').toString(),
		]).toEqual(['FILE_8', 'text/plain', 'hello']);
	});

	test('an unknown file is Glean’s 404; Continue On Fail gives an error item', async () => {
		const { items } = await runGleanNode({
			parameters: { resource: 'file', operation: 'download', fileId: 'FILE_404' },
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items).toEqual([
			{
				json: expect.objectContaining({
					error: 'Glean answered 404: File not found',
					httpCode: '404',
				}),
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('Upload, then ask about the file', () => {
	test('Upload → Send Message with {{ $json.fileIds }} names the uploaded files in the question', async () => {
		const { outputs, error } = await runGleanNode({
			parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'report, diagram' },
			items: [itemWithFiles()],
			credentials: credentials(),
			then: [
				{
					resource: 'chat',
					operation: 'sendMessage',
					message: 'Summarise the attached report',
					options: { fileIds: '={{ $json.fileIds }}' },
				},
			],
		});
		expect(error).toBeUndefined();
		const uploaded = outputs['Glean Chat'][0].json.fileIds as string[];
		expect(uploaded).toHaveLength(2);
		const chat = glean.requestsTo('chat')[0].body as { messages: IDataObject[] };
		expect(chat.messages[0].uploadedFileIds).toEqual(uploaded);
		expect(outputs['Glean Chat 2'][0].json.answer).toEqual(expect.any(String));
		expect(outputs['Glean Chat 2'][0].pairedItem).toEqual({ item: 0 });
	});
});
