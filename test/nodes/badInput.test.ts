import type { INodeParameters } from 'n8n-workflow';

import type { TestItem } from '../harness/n8nHarness';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';
import { testFile } from '../harness/operationCases';

/**
 * Input Glean would refuse, or that cannot be what the user meant, fails before any request:
 * a NodeOperationError naming the item, the field and the fix, and the emulator sees nothing.
 */

const TOKEN = 'bad-input-secret-token-99';
const setup = gleanTestSetup(TOKEN);

interface BadInputRow {
	name: string;
	parameters: INodeParameters;
	items?: TestItem[];
	credentials?: Record<string, string>;
	/** The error message: it names the item and the field. */
	message: string | RegExp;
	/** What the description must say, besides that nothing was sent. */
	fix: RegExp;
}

const sendMessage = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: 'Hello?',
	...extra,
});
const upload = { resource: 'file', operation: 'upload', binaryPropertyName: 'data' };

const rows: BadInputRow[] = [
	// Empty required fields are mapped from input (n8n itself flags a literally empty one in the editor).
	{
		name: 'empty message',
		parameters: sendMessage({ message: '={{ $json.nothing }}' }),
		message: 'Item 0: the "Message" parameter is empty',
		fix: /Fill "Message"/,
	},
	{
		name: 'whitespace-only message',
		parameters: sendMessage({ message: ' \n\t ' }),
		message: 'Item 0: the "Message" parameter is empty',
		fix: /Fill "Message"/,
	},
	{
		name: 'empty chat ID (Get)',
		parameters: { resource: 'chat', operation: 'get', chatId: '   ' },
		message: 'Item 0: the "Chat ID" parameter is empty',
		fix: /Chat ID/,
	},
	{
		name: 'chat IDs that are only commas',
		parameters: { resource: 'chat', operation: 'delete', chatIds: ' , ,' },
		message: 'Item 0: the "Chat IDs" parameter has no ID',
		fix: /comma-separated/,
	},
	{
		name: 'chat IDs from an empty array',
		parameters: { resource: 'chat', operation: 'delete', chatIds: '={{ [] }}' },
		message: 'Item 0: the "Chat IDs" parameter has no ID',
		fix: /comma-separated/,
	},
	{
		name: 'empty file IDs (Get)',
		parameters: { resource: 'file', operation: 'get', fileIds: '={{ "" }}' },
		message: 'Item 0: the "File IDs" parameter has no ID',
		fix: /fileIds/,
	},
	{
		name: 'file IDs that are blank strings (Delete)',
		parameters: { resource: 'file', operation: 'delete', fileIds: '={{ ["", "  "] }}' },
		message: 'Item 0: the "File IDs" parameter has no ID',
		fix: /fileIds/,
	},
	{
		name: 'empty file ID (Download)',
		parameters: { resource: 'file', operation: 'download', fileId: ' ' },
		message: 'Item 0: the "File ID" parameter is empty',
		fix: /File ID/,
	},
	{
		name: 'empty application ID',
		parameters: { resource: 'application', operation: 'get', applicationId: '={{ "" }}' },
		message: 'Item 0: the "Application ID" parameter is empty',
		fix: /Application ID/,
	},
	{
		name: 'a File IDs option with no ID',
		parameters: sendMessage({ options: { fileIds: ' , ' } }),
		message: 'Item 0: the "File IDs" option has no ID',
		fix: /remove the option/,
	},
	{
		name: 'no binary data at all',
		parameters: upload,
		items: [{ json: {} }],
		message: 'Item 0 has no binary field "data"',
		fix: /no binary data at all/,
	},
	{
		name: 'a binary field that does not exist',
		parameters: { ...upload, binaryPropertyName: 'report' },
		items: [{ json: {}, files: testFile() }],
		message: 'Item 0 has no binary field "report"',
		fix: /one of the item's binary fields: data/,
	},
	{
		name: 'no binary field named',
		parameters: { ...upload, binaryPropertyName: ' , ' },
		message: 'Item 0: the "Input Binary Field" parameter is empty',
		fix: /Name the binary field/,
	},
	{
		name: 'an empty file',
		parameters: upload,
		items: [{ json: {}, files: testFile(0) }],
		message: 'Item 0: the file in binary field "data" is empty',
		fix: /1 KB to 64 MB/,
	},
	{
		name: 'a file under 1 KB',
		parameters: upload,
		items: [{ json: {}, files: testFile(1023) }],
		message:
			'Item 0: the file in binary field "data" has 1023 bytes, less than Glean\'s minimum of 1 KB (1024 bytes)',
		fix: /1 KB to 64 MB/,
	},
	{
		name: 'a file over 64 MB',
		parameters: upload,
		items: [{ json: {}, files: testFile(64 * 1024 * 1024 + 1) }],
		message:
			'Item 0: the file in binary field "data" has 64.0 MB, more than Glean\'s limit of 64 MB (67108864 bytes)',
		fix: /split the document/,
	},
	{
		name: 'more than 5 files in one upload',
		parameters: { ...upload, binaryPropertyName: 'a, b, c, d, e, f' },
		items: [
			{
				json: {},
				files: Object.fromEntries(
					['a', 'b', 'c', 'd', 'e', 'f'].map((name) => [name, testFile()!.data]),
				),
			},
		],
		message: 'Item 0: "Input Binary Field" names 6 files, but Glean takes at most 5 in one upload',
		fix: /Split Out/,
	},
	{
		name: 'an empty Base URL',
		parameters: sendMessage(),
		credentials: { baseUrl: '  ' },
		message: 'Item 0: the Glean Chat API credential has no Base URL',
		fix: /acme-be\.glean\.com/,
	},
	// These point at the emulator itself (127.0.0.1), so "it saw no request" means the node refused to send.
	{
		name: 'a Base URL that is not http(s)',
		parameters: sendMessage(),
		credentials: { baseUrl: 'ftp://127.0.0.1:PORT' },
		message:
			'Item 0: the credential\'s Base URL "ftp://127.0.0.1:PORT" cannot be used: it uses "ftp", but Glean is reached over https',
		fix: /acme-be\.glean\.com/,
	},
	{
		name: 'plain http to a host that is not local',
		parameters: sendMessage(),
		credentials: { baseUrl: 'http://acme-be.glean.invalid' },
		message:
			/cannot be used: it uses plain http, which would send the API token unencrypted; only localhost and 127\.0\.0\.1 may use http$/,
		fix: /Base URL/,
	},
	{
		name: 'a Base URL with a path Glean cannot have',
		parameters: sendMessage(),
		credentials: { baseUrl: 'http://127.0.0.1:PORT/search' },
		message:
			/cannot be used: it has the path "\/search", but Glean's API lives at the root of its host/,
		fix: /Base URL/,
	},
	{
		name: 'a Base URL with a user name and password (not repeated in the error)',
		parameters: sendMessage(),
		credentials: { baseUrl: 'http://me:s3cret@127.0.0.1:PORT' },
		message:
			'Item 0: the credential\'s Base URL "http://…@127.0.0.1:PORT" cannot be used: it contains a user name or password',
		fix: /Base URL/,
	},
	{
		name: 'an Act As option that is not an e-mail',
		parameters: sendMessage({ options: { actAs: 'bob' } }),
		message: 'Item 0: the "Act As" option is not an e-mail address',
		fix: /this item has "bob"/,
	},
	{
		name: 'a credential Act As that is not an e-mail',
		parameters: { resource: 'chat', operation: 'getAll', returnAll: true },
		credentials: { actAs: 'bob@' },
		message: 'Item 0: the credential\'s "Act As" is not an e-mail address',
		fix: /the credential has "bob@"/,
	},
	{
		name: 'Limit 0',
		parameters: { resource: 'chat', operation: 'getAll', returnAll: false, limit: 0 },
		message:
			'Item 0: "Limit" is 0, but must be a whole number, 1 or more (or turn on "Return All")',
		fix: /Set "Limit"/,
	},
	{
		name: 'a negative Limit',
		parameters: { resource: 'chat', operation: 'getAll', returnAll: false, limit: -5 },
		message: /^Item 0: "Limit" is -5/,
		fix: /Set "Limit"/,
	},
	{
		name: 'Timeout 0',
		parameters: sendMessage({ options: { timeoutMillis: 0 } }),
		message:
			'Item 0: "Timeout (Ms)" is 0, but must be a whole number of milliseconds from 1 to 3600000 (an hour), e.g. 60000',
		fix: /Set "Timeout \(Ms\)"/,
	},
	// Longer than an hour would also overflow the timers.
	{
		name: 'a Timeout over an hour',
		parameters: sendMessage({ options: { timeoutMillis: 2_147_483_647 } }),
		message: /^Item 0: "Timeout \(Ms\)" is 2147483647/,
		fix: /from 1 to 3600000/,
	},
	{
		name: 'a fractional Timeout',
		parameters: sendMessage({ options: { timeoutMillis: 0.5 } }),
		message: /^Item 0: "Timeout \(Ms\)" is 0\.5/,
		fix: /Set "Timeout \(Ms\)"/,
	},
	{
		name: 'Retry → Max Attempts 0',
		parameters: sendMessage({
			options: { retry: { settings: { maxAttempts: 0, maxWaitSeconds: 10 } } },
		}),
		message:
			'Item 0: "Retry → Max Attempts" is 0, but must be a whole number from 1 (no retries) to 10',
		fix: /Set "Retry → Max Attempts"/,
	},
	{
		name: 'a negative Retry → Max Total Wait',
		parameters: {
			resource: 'file',
			operation: 'get',
			fileIds: 'FILE_1',
			options: { retry: { settings: { maxAttempts: 3, maxWaitSeconds: -1 } } },
		},
		message:
			'Item 0: "Retry → Max Total Wait (Seconds)" is -1, but must be a number of seconds from 0 to 3600',
		fix: /Set "Retry → Max Total Wait/,
	},
	{
		name: 'Max Requests per Minute 0',
		parameters: sendMessage({ options: { maxRequestsPerMinute: 0 } }),
		message: 'Item 0: "Max Requests per Minute" is 0, but must be a number from 1 to 6000',
		fix: /Set "Max Requests per Minute"/,
	},
	{
		name: 'Max Requests per Minute from an expression that is not a number',
		parameters: {
			resource: 'chat',
			operation: 'getAll',
			returnAll: true,
			options: { maxRequestsPerMinute: '={{ "fast" }}' },
		},
		message: 'Item 0: "Max Requests per Minute" is "fast", but must be a number from 1 to 6000',
		fix: /Set "Max Requests per Minute"/,
	},
	{
		name: 'Session Expiry 0',
		parameters: sendMessage({ options: { sessionKey: 's1', sessionExpiryMinutes: 0 } }),
		message: 'Item 0: "Session Expiry (Minutes)" is 0, but must be a number of minutes above 0',
		fix: /Set "Session Expiry/,
	},
	{
		name: 'Concurrency 0',
		parameters: sendMessage({ options: { concurrency: 0 } }),
		message: 'Item 0: "Concurrency" is 0, but must be a whole number from 1 to 50',
		fix: /Set "Concurrency"/,
	},
	{
		name: 'Concurrency over 50',
		parameters: {
			resource: 'file',
			operation: 'get',
			fileIds: 'FILE_1',
			options: { concurrency: 51 },
		},
		message: /^Item 0: "Concurrency" is 51/,
		fix: /from 1 to 50/,
	},
	{
		name: 'a Retry → Max Total Wait over an hour',
		parameters: sendMessage({
			options: { retry: { settings: { maxAttempts: 3, maxWaitSeconds: 3601 } } },
		}),
		message: /^Item 0: "Retry → Max Total Wait \(Seconds\)" is 3601/,
		fix: /from 0 to 3600/,
	},
];

describe('bad input never reaches Glean', () => {
	test.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
		const port = new URL(setup.glean.baseUrl).port;
		const withPort = (text: string) => text.replace('PORT', port);
		const credentials = Object.fromEntries(
			Object.entries(row.credentials ?? {}).map(([key, value]) => [key, withPort(value)]),
		);
		const { error, items } = await runGleanNode({
			parameters: row.parameters,
			items: row.items,
			credentials: { baseUrl: setup.glean.baseUrl, apiToken: TOKEN, ...credentials },
		});
		expect(setup.glean.requests).toEqual([]);
		expect(items).toEqual([]);
		expect(error?.name).toBe('NodeOperationError');
		if (typeof row.message === 'string') expect(error?.message).toBe(withPort(row.message));
		else expect(error?.message).toMatch(row.message);
		expect(error?.description).toMatch(row.fix);
		expect(error?.description).toMatch(/Nothing was sent to Glean\.$/);
		expect(error?.context?.itemIndex).toBe(0);
		expect(`${error?.message} ${error?.description}`).not.toMatch(/s3cret|bad-input-secret/);
	});

	test('the error names the failing item; with Continue On Fail the items around it are sent', async () => {
		const { items } = await runGleanNode({
			parameters: sendMessage({
				message: '={{ $json.q }}',
				options: { actAs: '={{ $json.user }}' },
			}),
			items: [
				{ json: { q: 'one', user: 'ann@example.com' } },
				{ json: { q: 'two', user: 'ann@example.com' } },
				{ json: { q: 'three', user: 'not-an-email' } },
				{ json: { q: 'four', user: 'ann@example.com' } },
			],
			credentials: { baseUrl: setup.glean.baseUrl, apiToken: TOKEN },
			continueOnFail: true,
		});
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(items[2].json.error).toBe('Item 2: the "Act As" option is not an e-mail address');
		expect(items.filter((item) => item.json.error === undefined)).toHaveLength(3);
		expect(setup.glean.requestsTo('chat')).toHaveLength(3);
	});
});
