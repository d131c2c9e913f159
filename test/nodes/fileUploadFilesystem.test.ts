import { randomBytes } from 'node:crypto';

import { GleanEmulator } from '../emulator/gleanEmulator';
import { readBinaryData, runGleanNode, useFilesystemBinaryData } from '../harness/n8nHarness';

/** Production n8n keeps binary data on disk: the item holds a reference, not the bytes. */
let glean: GleanEmulator;
beforeAll(async () => {
	await useFilesystemBinaryData();
	glean = await GleanEmulator.start({ token: 'fs-token' });
});
afterAll(async () => await glean.stop());
afterEach(() => expect(glean.violations).toEqual([]));

test('a file n8n stored on disk uploads byte for byte, and downloads back to disk', async () => {
	const bytes = randomBytes(40_000);
	const { outputs, error } = await runGleanNode({
		parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
		items: [
			{
				json: {},
				files: {
					data: {
						base64: bytes.toString('base64'),
						fileName: 'big.bin',
						mimeType: 'application/octet-stream',
					},
				},
			},
		],
		credentials: { baseUrl: glean.baseUrl, apiToken: 'fs-token' },
		then: [
			{
				resource: 'file',
				operation: 'download',
				fileId: '={{ $json.fileIds[0] }}',
				binaryPropertyName: 'copy',
			},
		],
	});
	expect(error).toBeUndefined();
	// The input really was on disk: the item carried an ID, not base64 content.
	const stored = outputs.Items[0].binary?.data;
	expect(stored?.id).toMatch(/^filesystem/);
	expect(stored?.data).not.toBe(bytes.toString('base64'));
	const [upload] = glean.requestsTo('uploadchatfiles');
	expect(upload.parts?.[0].data.equals(bytes)).toBe(true);
	const copy = outputs['Glean Chat 2'][0].binary?.copy;
	expect(copy?.id).toMatch(/^filesystem/);
	expect(copy?.fileName).toBe('big.bin');
	// n8n 2.x notes the size as `bytes`, 1.x as `fileSize` ("39.1 kB"): the bytes themselves tell.
	expect((await readBinaryData(copy!)).equals(bytes)).toBe(true);
});
