import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { parse } from 'yaml';

import type { Scenario } from '../emulator/gleanEmulator';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import type { RunResult } from '../harness/n8nHarness';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Glean's real and Glean-documented answer shapes (test/fixtures/glean-captures, whose README
 * gives each one's source and right result), each run through the node inside n8n-core against
 * the emulator: streamed over HTTP (each message one NDJSON line, cut at random byte positions)
 * and whole, with the result a user should get.
 */

const setup = gleanTestSetup('shapes-token-5f3c1a');
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'glean-captures');
const read = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const json = (name: string) => JSON.parse(read(`shapes/${name}`)) as IDataObject;

const sendMessage = {
	resource: 'chat',
	operation: 'sendMessage',
	message: 'Summarise the Globex call',
};

/** A whole ChatResponse as Glean streams it: each message on a line of its own, the top-level fields on a last line. */
function asLines(response: IDataObject): string {
	const { messages, ...top } = response;
	const lines = (messages as IDataObject[]).map((message) =>
		JSON.stringify({ messages: [message] }),
	);
	if (Object.keys(top).length > 0) lines.push(JSON.stringify({ messages: [], ...top }));
	return `${lines.join('\n')}\n`;
}

async function run(
	scenario: Scenario,
	stream: boolean,
	continueOnFail = false,
): Promise<RunResult> {
	setup.glean.enqueue('chat', scenario);
	return await runGleanNode({
		parameters: { ...sendMessage, stream },
		credentials: setup.credentials(),
		continueOnFail,
	});
}

const SEEDS = [1, 2, 3, 4, 5, 6];
const chunking = (seed: number) => ({
	random: { seed, maxSize: [1, 3, 11, 64, 300, 4096][seed % 6] },
});

/** Every way one shape reaches the node: whole, and streamed with random chunk boundaries. */
function deliveries(response: IDataObject): Array<[string, boolean, Scenario]> {
	return [
		['not streamed', false, { kind: 'json', json: response }],
		...SEEDS.map((seed): [string, boolean, Scenario] => [
			`streamed, seed ${seed}`,
			true,
			{ kind: 'ndjson', body: asLines(response), chunking: chunking(seed) },
		]),
	];
}

const answerOf = (items: INodeExecutionData[]) =>
	items[0].json as unknown as {
		answer: string;
		markdown: string;
		chatId?: string;
		citations: Array<{ title?: string; url?: string }>;
		followUpPrompts: string[];
		steps: Array<{ type: string; text: string }>;
	};

describe('plan-then-tools-then-answer.json (Glean cookbook, n8n recipe)', () => {
	const response = json('plan-then-tools-then-answer.json');
	test.each(deliveries(response))(
		'%s: the answer without the plan, 2 citations, the plan in steps',
		async (_how, stream, scenario) => {
			const { items, error } = await run(scenario, stream);
			expect(error).toBeUndefined();
			const answer = answerOf(items);
			expect(answer.answer.startsWith('Globex reviewed Q3 usage')).toBe(true);
			expect(answer.answer).not.toContain('I’ll review the call');
			expect(answer.markdown).not.toContain('I’ll review the call');
			expect(answer.citations.map((citation) => citation.url)).toEqual([
				'https://portal.sample.internal/sales/accounts/globex/plan',
				'https://portal.sample.internal/product/data-residency',
			]);
			// Markers where the citations stood; the repeated source keeps its number.
			expect(answer.markdown).toContain('before the November renewal. [1]They asked');
			expect(answer.markdown).toContain('No pricing was discussed.[2][1]');
			expect(answer.steps).toEqual([
				{ type: 'message', text: 'I’ll review the call and the linked documents, then summarise.' },
				{ type: 'plan', text: 'Searching company knowledge' },
			]);
		},
	);
});

describe('unfinished runs (only-update.json, unfinished-empty-content.json)', () => {
	test.each([
		...deliveries(json('only-update.json')).map(
			([how, stream, scenario]) => [`only-update.json, ${how}`, stream, scenario] as const,
		),
		...deliveries(json('unfinished-empty-content.json')).map(
			([how, stream, scenario]) =>
				[`unfinished-empty-content.json, ${how}`, stream, scenario] as const,
		),
	])('%s: an error, not an empty answer', async (_how, stream, scenario) => {
		const { items, error } = await run(scenario, stream);
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'Glean returned no answer text: the run ended after 1 step(s) before Glean wrote its answer',
		);
		expect(error?.description).toContain('Run the item again');
	});

	test.each(deliveries(json('only-update.json')))(
		'with Continue On Fail, %s: an error item carrying the steps',
		async (_how, stream, scenario) => {
			const { items, error } = await run(scenario, stream, true);
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			expect(items[0].pairedItem).toEqual({ item: 0 });
			expect(items[0].json.error).toMatch(/^Glean returned no answer text/);
			expect(items[0].json.partial).toBe(true);
			expect((items[0].json.partialAnswer as IDataObject).steps).toEqual([
				{ type: 'plan', text: 'Search company knowledge', stepId: 'SEARCH' },
			]);
		},
	);
});

describe('token-lines-without-message-id.ndjson (Glean CLI)', () => {
	const body = read('shapes/token-lines-without-message-id.ndjson');
	test.each(SEEDS)(
		'streamed, seed %i: lines without a messageId continue one message, "\\n\\n" kept',
		async (seed) => {
			const { items, error } = await run({ kind: 'ndjson', body, chunking: chunking(seed) }, true);
			expect(error).toBeUndefined();
			expect(answerOf(items).answer).toBe('Hello\n\nHow can I help?');
		},
	);

	test('not streamed (the same messages in one response): the same answer, the blank line not doubled', async () => {
		const messages = body
			.trim()
			.split('\n')
			.flatMap((line) => (JSON.parse(line) as { messages: IDataObject[] }).messages);
		const { items, error } = await run({ kind: 'json', json: { messages } }, false);
		expect(error).toBeUndefined();
		expect(answerOf(items).answer).toBe('Hello\n\nHow can I help?');
	});

	test('not streamed, without the "\\n\\n" message: separate messages are still paragraphs, never glued', async () => {
		const [hello, , help] = body
			.trim()
			.split('\n')
			.flatMap((line) => (JSON.parse(line) as { messages: IDataObject[] }).messages);
		const { items, error } = await run({ kind: 'json', json: { messages: [hello, help] } }, false);
		expect(error).toBeUndefined();
		expect(answerOf(items).answer).toBe('Hello\n\nHow can I help?');
	});
});

describe('inline-citation-and-follow-ups.json (Glean developer site)', () => {
	test.each(deliveries(json('inline-citation-and-follow-ups.json')))(
		'%s: text, 1 citation, 2 follow-ups, the chat ID',
		async (_how, stream, scenario) => {
			const { items, error } = await run(scenario, stream);
			expect(error).toBeUndefined();
			const answer = answerOf(items);
			expect(answer.answer).toBe('Based on our employee handbook, the vacation policy allows...');
			expect(answer.citations).toEqual([
				{ title: 'Employee Handbook 2024', url: 'https://company.com/handbook', type: 'document' },
			]);
			expect(answer.followUpPrompts).toEqual([
				'What are the paid time off policies?',
				'How do I request vacation time?',
			]);
			expect(answer.chatId).toBe('chat_abc123');
			expect(answer.markdown).toBe(
				'Based on our employee handbook, the vacation policy allows...[1]\n\n**Sources**\n1. [Employee Handbook 2024](https://company.com/handbook)',
			);
		},
	);
});

describe('chat-stream-with-stages.ndjson (a real stream, Glean CLI)', () => {
	const body = read('chat-stream-with-stages.ndjson');
	test.each(SEEDS)(
		'streamed over HTTP, seed %i: the answer, no step in it, steps condensed',
		async (seed) => {
			const { items, error } = await run({ kind: 'ndjson', body, chunking: chunking(seed) }, true);
			expect(error).toBeUndefined();
			const answer = answerOf(items);
			expect(
				answer.answer.startsWith(
					'The Glean Assistant is an AI-powered tool designed to enhance workplace productivity',
				),
			).toBe(true);
			expect(answer.answer).toContain(':\n\n1. **Intelligent Search**: Glean understands');
			expect(answer.answer).not.toContain('Summarize the information found');
			expect(answer.steps.map((step) => step.type)).toEqual([
				'plan',
				'search',
				'read',
				'write',
				'plan',
			]);
		},
	);
});

describe("Glean's error bodies (http401-*.txt, http400-bad-request.txt)", () => {
	test.each([
		[
			'http401-invalid-secret.txt',
			401,
			/^Glean answered 401: Invalid Secret$/,
			/not revoked, or create a new one in Glean/,
		],
		[
			'http401-token-expired.txt',
			401,
			/^Glean answered 401: Token has expired$/,
			/^Glean did not accept the API token\. The token has expired: create a new API token/,
		],
	])(
		'%s: Glean’s text, and whether to replace or renew the token',
		async (file, status, message, hint) => {
			const text = read(`shapes/${file}`);
			for (const stream of [true, false]) {
				const { error } = await run({ kind: 'text', status, text }, stream);
				expect(error?.message).toMatch(message);
				expect(error?.description).toMatch(hint);
				expect(error?.description).toContain(text.trim());
			}
		},
	);

	test('http400-bad-request.txt without Act As: Act As for a global token, then the Base URL, then the parameters', async () => {
		const text = read('shapes/http400-bad-request.txt');
		for (const stream of [true, false]) {
			const { error } = await run({ kind: 'text', status: 400, text }, stream);
			expect(error?.message).toBe('Glean answered 400: Bad Request');
			const description = error?.description ?? '';
			const order = [
				'global token without Act As',
				'fill "Act As (Email)"',
				'Base URL',
				"node's parameters",
			].map((part) => description.indexOf(part));
			expect(order.every((at) => at >= 0)).toBe(true);
			expect([...order].sort((a, b) => a - b)).toEqual(order);
		}
	});

	test('http400-bad-request.txt with Act As: names the user, then the Base URL and the parameters', async () => {
		setup.glean.enqueue('chat', {
			kind: 'text',
			status: 400,
			text: read('shapes/http400-bad-request.txt'),
		});
		const { error } = await runGleanNode({
			parameters: { ...sendMessage, options: { actAs: 'ann@example.com' } },
			credentials: setup.credentials(),
		});
		expect(error?.description).toMatch(
			/^Glean gave no reason\. Check that the Act As user \(ann@example\.com\) exists in Glean and that the Base URL is Glean's API host, then the node's parameters\./,
		);
	});
});

describe("the streaming example in Glean's OpenAPI spec (POST /chat, 200)", () => {
	const spec = parse(
		readFileSync(
			path.join(__dirname, '..', 'fixtures', 'glean-openapi', 'client_rest.yaml'),
			'utf8',
		),
	) as {
		paths: Record<
			string,
			{
				post: {
					responses: {
						200: {
							content: {
								'application/json': { examples: { streamingExample: { value: IDataObject } } };
							};
						};
					};
				};
			}
		>;
	};
	const example =
		spec.paths['/rest/api/v1/chat'].post.responses[200].content['application/json'].examples
			.streamingExample.value;
	test.each(deliveries(example))(
		'%s: the pieces that say more follows (hasMoreFragments) are one message',
		async (_how, stream, scenario) => {
			const { items, error } = await run(scenario, stream);
			expect(error).toBeUndefined();
			expect(answerOf(items).answer).toBe('e areno holidays!');
		},
	);
});
