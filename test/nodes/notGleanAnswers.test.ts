import type { Scenario } from '../emulator/gleanEmulator';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';
import type { OperationCase } from '../harness/operationCases';
import { operationCases } from '../harness/operationCases';

/**
 * A `2xx` whose body is not Glean's (a proxy's "OK", a sign-in page, an empty body where Glean
 * sends one, another API's JSON) fails the item on every JSON endpoint with the Base URL fix;
 * it never passes as "no chats", `{}` or "no files". The delete endpoints' empty `200` stays a
 * success. (Download is left out: any bytes can be a file.)
 */

const setup = gleanTestSetup('not-glean-token-77aa');

const SIGN_IN_PAGE =
	'<!DOCTYPE html><html><head><title>Sign in – Acme SSO</title></head><body><form action="/login">Sign in with your company account</form></body></html>';

interface Body {
	name: string;
	scenario: Scenario;
	/** What the error says the body was (for the delete endpoints, whose answer is empty: `deleteProblem`). */
	problem: string;
	deleteProblem?: string;
}

const bodies: Body[] = [
	{
		name: 'a proxy’s plain-text "OK"',
		scenario: { kind: 'text', status: 200, text: 'OK' },
		problem: 'text that is not JSON',
	},
	{
		name: 'an HTML sign-in page',
		scenario: {
			kind: 'text',
			status: 200,
			text: SIGN_IN_PAGE,
			headers: { 'Content-Type': 'text/html; charset=utf-8' },
		},
		problem: 'an HTML page (a sign-in page)',
	},
	{
		name: 'JSON of another API',
		scenario: { kind: 'json', json: { status: 'ok', data: [] } },
		problem: `JSON without any field of Glean's`,
		deleteProblem: 'JSON, where Glean sends an empty body',
	},
];

const jsonOperations = operationCases.filter(
	(operation) => operation.endpoint !== 'chat-files/FILE_1',
);
const deletes = (operation: OperationCase) => /^delete/.test(operation.endpoint);

async function runWith(operation: OperationCase, scenario: Scenario, continueOnFail = false) {
	operation.setup?.(setup.glean);
	setup.glean.enqueue(operation.endpoint, scenario);
	return await runGleanNode({
		parameters: operation.parameters,
		items: operation.items,
		credentials: setup.credentials(),
		continueOnFail,
	});
}

describe.each(bodies)('$name', ({ scenario, problem, deleteProblem }) => {
	test.each(jsonOperations.map((operation) => [operation.name, operation] as const))(
		'%s: an error that says the answer was not Glean’s, with the Base URL fix',
		async (_name, operation) => {
			const { items, error } = await runWith(operation, scenario);
			expect(items).toEqual([]);
			expect(error?.message).toContain(
				`The answer to ${operation.endpoint} was not Glean's: 200 with ${(deletes(operation) && deleteProblem) || problem}`,
			);
			expect(error?.description).toContain(
				'Set "Base URL" in the Glean credential to your Glean API host',
			);
			expect(error?.description).toContain('It began with: ');
			expect(setup.glean.requestsTo(operation.endpoint)).toHaveLength(1);
		},
	);
});

describe('an empty 200', () => {
	test.each(
		jsonOperations
			.filter((operation) => !deletes(operation))
			.map((operation) => [operation.name, operation] as const),
	)('%s: an error, not an empty result', async (_name, operation) => {
		const { items, error } = await runWith(operation, { kind: 'empty' });
		expect(items).toEqual([]);
		expect(error?.message).toMatch(
			operation.stream
				? /Glean ended the answer without sending anything/
				: new RegExp(
						`^The answer to ${operation.endpoint} was not Glean's: 200 with an empty body$`,
					),
		);
		expect(error?.description).toContain('Set "Base URL" in the Glean credential');
	});

	test.each(
		jsonOperations.filter(deletes).map((operation) => [operation.name, operation] as const),
	)('%s: Glean’s own answer, a success', async (_name, operation) => {
		const { items, error } = await runWith(operation, { kind: 'empty' });
		expect(error).toBeUndefined();
		operation.expectSuccess(items);
	});
});

test('JSON of the wrong Glean shape: Get Chat answered with a chat list', async () => {
	const getChat = operationCases.find((operation) => operation.endpoint === 'getchat')!;
	const { error } = await runWith(getChat, { kind: 'json', json: { chatResults: [] } });
	expect(error?.message).toBe(
		`The answer to getchat was not Glean's: 200 with JSON without any field of Glean's GetChatResponse (it has "chatResults")`,
	);
});

test('with Continue On Fail each such item becomes an error item in its place, and the others go on', async () => {
	const getMany = operationCases.find((operation) => operation.endpoint === 'listchats')!;
	getMany.setup?.(setup.glean);
	setup.glean.enqueue('listchats', { kind: 'text', status: 200, text: 'OK' });
	const { items, error } = await runGleanNode({
		parameters: getMany.parameters,
		items: [{ json: {} }, { json: {} }],
		credentials: setup.credentials(),
		continueOnFail: true,
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(items[0].json.error).toBe(
		`The answer to listchats was not Glean's: 200 with text that is not JSON`,
	);
	expect(items[1].json.id).toBe('chat-1');
});

describe('a streamed answer that is not Glean’s says so too (not "the answer stopped … run it again")', () => {
	const streamed = operationCases.find((operation) => operation.stream === true)!;

	test('an HTML page sent as text/plain', async () => {
		const { error } = await runWith(streamed, {
			kind: 'ndjson',
			body: `${SIGN_IN_PAGE}\n`,
			contentType: 'text/plain',
		});
		expect(error?.message).toBe(
			`The answer to chat was not Glean's: 200 with an HTML page (a sign-in page)`,
		);
		expect(error?.description).toContain('It began with: <!DOCTYPE html>');
		expect(error?.description).not.toContain('Run the item again');
	});

	test('a body read whole (labelled JSON) that breaks off says so, like a broken stream', async () => {
		const body = `${JSON.stringify({ messages: [{ author: 'GLEAN_AI', messageType: 'CONTENT', fragments: [{ text: 'x'.repeat(5000) }] }] })}\n`;
		const { error } = await runWith(streamed, {
			kind: 'ndjson',
			body,
			contentType: 'application/json',
			chunking: { sizes: [1000] },
			dropAfterBytes: 3000,
		});
		expect(error?.message).toMatch(
			/^Glean's answer stopped before it was complete: the connection to Glean was lost after part of the answer/,
		);
		expect(error?.description).toBe(
			'The stream ended abnormally, so the answer may be cut short. Run the item again.',
		);
	});

	test('a text/html body of several plain lines (a proxy’s notice) is not read as an answer', async () => {
		const notice = 'Service temporarily unavailable\nPlease retry later\nproxy-7';
		setup.glean.enqueue('chat', {
			kind: 'text',
			status: 200,
			text: notice,
			headers: { 'Content-Type': 'text/html' },
		});
		const { error, chunks } = await runGleanNode({
			parameters: streamed.parameters,
			credentials: setup.credentials(),
			streaming: true,
		});
		expect(error?.message).toBe(
			`The answer to chat was not Glean's: 200 with text that is not JSON`,
		);
		expect(error?.description).toContain(`It began with: ${notice}`);
		// Nothing began in the chat: only n8n's one error chunk.
		expect(chunks.map((chunk) => chunk.type)).toEqual(['error']);
	});

	test('JSON lines of another API', async () => {
		const { error } = await runWith(streamed, {
			kind: 'ndjson',
			body: [{ event: 'ping' }, { event: 'done' }],
		});
		expect(error?.message).toBe(
			`The answer to chat was not Glean's: 200 with JSON without any field of Glean's ChatResponse (it has "event")`,
		);
	});

	test('the live chat is told, once, why there is no answer', async () => {
		setup.glean.enqueue('chat', {
			kind: 'text',
			status: 200,
			text: SIGN_IN_PAGE,
			headers: { 'Content-Type': 'text/html' },
		});
		const { chunks, error } = await runGleanNode({
			parameters: streamed.parameters,
			credentials: setup.credentials(),
			streaming: true,
		});
		expect(error?.message).toBe(
			`The answer to chat was not Glean's: 200 with an HTML page (a sign-in page)`,
		);
		expect(chunks.filter((chunk) => chunk.type === 'item')).toEqual([]);
		const errors = chunks.filter((chunk) => chunk.type === 'error');
		expect(errors).toHaveLength(1);
		expect(errors[0].content).toMatch(
			/^The answer to chat was not Glean's: 200 with an HTML page \(a sign-in page\)\n\nIt began with: /,
		);
	});

	test('Glean answering a streamed request whole, as JSON, is read as its answer', async () => {
		setup.glean.enqueue('chat', {
			kind: 'json',
			json: {
				messages: [
					{ author: 'GLEAN_AI', messageType: 'CONTENT', fragments: [{ text: 'Whole answer.' }] },
				],
				chatId: 'c-1',
			},
		});
		const { items, error } = await runGleanNode({
			parameters: streamed.parameters,
			credentials: setup.credentials(),
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ answer: 'Whole answer.', chatId: 'c-1' });
	});
});

describe('what the Content-Type of a streamed answer says, and what the body is', () => {
	const streamed = operationCases.find((operation) => operation.stream === true)!;
	const lines = [
		{
			messages: [
				{
					author: 'GLEAN_AI',
					messageType: 'CONTENT',
					messageId: 'a',
					fragments: [{ text: 'Line by ' }],
				},
			],
		},
		{
			messages: [
				{
					author: 'GLEAN_AI',
					messageType: 'CONTENT',
					messageId: 'a',
					fragments: [{ text: 'line.' }],
				},
			],
		},
	];

	test.each(['application/x-ndjson', 'application/jsonl', 'application/json'])(
		'NDJSON labelled %s is read line by line',
		async (contentType) => {
			const { items, error } = await runWith(streamed, {
				kind: 'ndjson',
				body: lines,
				contentType,
			});
			expect(error).toBeUndefined();
			expect(items[0].json.answer).toBe('Line by line.');
		},
	);

	test.each([
		['{}', { kind: 'json', json: {} }],
		['{"messages":[]}', { kind: 'json', json: { messages: [] } }],
		['an NDJSON line {}', { kind: 'ndjson', body: [{}] }],
	] as Array<[string, Scenario]>)(
		'%s on chat: not Glean’s answer (no message at all), with the Base URL fix',
		async (_name, scenario) => {
			for (const operation of operationCases.filter(
				(candidate) => candidate.endpoint === 'chat' && candidate.idempotent,
			)) {
				const { error } = await runWith(operation, scenario);
				expect(error?.message).toBe(
					`The answer to chat was not Glean's: 200 with a chat answer without any message`,
				);
				expect(error?.description).toContain('Set "Base URL" in the Glean credential');
			}
		},
	);

	test('a refusal that is a web page (a proxy’s 403 sign-in page) is not called Glean’s', async () => {
		const getMany = operationCases.find((operation) => operation.endpoint === 'listchats')!;
		const { error } = await runWith(getMany, {
			kind: 'text',
			status: 403,
			text: SIGN_IN_PAGE,
			headers: { 'Content-Type': 'text/html' },
		});
		expect(error?.message).toBe(
			`The answer to listchats was not Glean's: 403 with an HTML page (a sign-in page)`,
		);
		expect(error?.description).toMatch(/^Something other than Glean's API answered/);
		expect(error?.description).toContain('It began with: <!DOCTYPE html>');
	});
});

describe('a 404 names what Glean does not know', () => {
	test.each([
		[{ options: { applicationId: 'app-9' } }, 'application "app-9"'],
		[{ options: { agentId: 'agent-9' } }, 'agent "agent-9"'],
		[{ options: { fileIds: 'F1, F2' } }, 'files "F1", "F2"'],
		[{ chatId: 'chat-9' }, 'chat "chat-9"'],
	])('Send Message with %j', async (extra, named) => {
		setup.glean.enqueue('chat', { kind: 'text', status: 404, text: 'Not Found' });
		const { error } = await runGleanNode({
			parameters: {
				resource: 'chat',
				operation: 'sendMessage',
				message: 'Q?',
				stream: false,
				...extra,
			},
			credentials: setup.credentials(),
		});
		expect(error?.description).toMatch(
			new RegExp(
				`^Glean does not know this for this user: ${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`,
			),
		);
	});

	test('Send Message naming no ID: no Glean API answered at the Base URL', async () => {
		setup.glean.enqueue('chat', { kind: 'text', status: 404, text: 'Not Found' });
		const { error } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'sendMessage', message: 'Q?', stream: false },
			credentials: setup.credentials(),
		});
		expect(error?.description).toMatch(/^No Glean API answered at this address\. Set "Base URL"/);
	});
});
