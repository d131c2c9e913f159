import type { StructuredChunk } from 'n8n-workflow';

import { serverSentEvent } from '../emulator/agents';
import { DRAFTER, runAgent } from '../harness/agentCases';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Agent → Run's stream: a run that fails part-way (both shapes of error event), streams that
 * break, are cut, cannot be read or are not events at all, the time limit, live answers in n8n's
 * chat, the AI Agent tool, and the token never shown.
 */

const TOKEN = 'Wq4-agent-streams-secret';
const setup = gleanTestSetup(TOKEN, { virtualClock: true });

beforeEach(() => setup.glean.agents.agents.set('drafter', { ...DRAFTER }));

test.each([
	['an error field in a message event', 'errorField' as const],
	['a run.failed event', 'runFailed' as const],
])(
	'a run that fails part-way (%s): Glean’s words, the partial answer with Continue On Fail',
	async (_, style) => {
		setup.glean.agents.agents.set('drafter', {
			...DRAFTER,
			failure: { afterPieces: 2, style, text: 'Tool "Drive search" timed out' },
		});
		for (const stream of [true, false]) {
			const { items: out } = await runGleanNode({
				parameters: runAgent('drafter', { stream }),
				items: [{ json: { topic: 'pricing' } }],
				credentials: setup.credentials(),
				continueOnFail: true,
			});
			expect(out[0].json.error).toMatch(/^The agent's run failed: /);
			expect(out[0].json.error).toContain('Tool "Drive search" timed out');
			expect(out[0].json.partial).toBe(true);
			expect(out[0].json.partialAnswer).toMatchObject({
				status: 'error',
				answer: expect.stringContaining('Draft about pricing'),
			});
		}
	},
);

test('a stream that breaks inside an event: an error, the part read kept, not tried again', async () => {
	const body =
		serverSentEvent(1, 'message', {
			messages: [{ role: 'GLEAN_AI', content: [{ text: 'Draft ', type: 'text' }] }],
		}) +
		serverSentEvent(2, 'message', {
			messages: [{ role: 'GLEAN_AI', content: [{ text: 'about', type: 'text' }] }],
		});
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'ndjson',
		body,
		contentType: 'text/event-stream',
		dropAfterBytes: body.length - 20,
	});
	const { items: out } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
		continueOnFail: true,
	});
	expect(out[0].json.error).toMatch(/^The agent's answer stopped before it was complete: /);
	expect(out[0].json.description).toMatch(/check its runs in Glean before running the item again/);
	expect(out[0].json.partialAnswer).toMatchObject({ answer: 'Draft', status: 'error' });
	expect(setup.glean.requestsTo('agents/runs/stream')).toHaveLength(1);
});

test('a stream that ends cleanly without any text: an error, not an empty answer', async () => {
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'ndjson',
		body: ': keep-alive\n\n' + serverSentEvent(1, 'message', {}),
		contentType: 'text/event-stream',
	});
	const { error } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe('The agent finished without writing an answer');
});

test('an event whose data is not JSON: the stream could not be read', async () => {
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'ndjson',
		body: 'event: message\ndata: Hello there\n\n',
		contentType: 'text/event-stream',
	});
	const { error } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toMatch(
		/could not be read \(an event whose data is not JSON: Hello there\)/,
	);
});

test('an HTML page where the stream should be: not Glean’s answer', async () => {
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'text',
		status: 200,
		text: '<!doctype html><html><body>Sign in with Okta</body></html>',
		headers: { 'Content-Type': 'text/html' },
	});
	const { error } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe(
		"The answer to agents/runs/stream was not Glean's: 200 with an HTML page (a sign-in page)",
	);
});

test('the token never shows: not in the answer, the live chat, nor an error', async () => {
	setup.glean.agents.agents.set('drafter', {
		...DRAFTER,
		answer: ['Your token is ', TOKEN.slice(0, 9), TOKEN.slice(9), ', keep it safe.'],
	});
	const chunks: StructuredChunk[] = [];
	const { items: out } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
		streaming: true,
		onChunk: (chunk) => chunks.push(chunk),
	});
	expect(JSON.stringify(out)).not.toContain(TOKEN);
	expect(out[0].json.answer).toBe('Your token is [redacted], keep it safe.');
	expect(JSON.stringify(chunks)).not.toContain(TOKEN.slice(0, 12));

	setup.glean.enqueue('agents/runs/stream', {
		kind: 'json',
		status: 422,
		json: {
			message: `Tools missing for Bearer ${TOKEN}`,
			authenticationSuggestions: [{ toolName: 't', serverId: TOKEN }],
		},
	});
	const { error } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(JSON.stringify([error?.message, error?.description, error?.context])).not.toContain(TOKEN);
});

test('live in n8n’s chat: begin, the agent’s words in order, end; the item as usual', async () => {
	const chunks: StructuredChunk[] = [];
	const { items: out } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'roadmap' } }],
		credentials: setup.credentials(),
		streaming: true,
		onChunk: (chunk) => chunks.push(chunk),
	});
	expect(chunks.map((chunk) => chunk.type)).toEqual(['begin', 'item', 'item', 'item', 'end']);
	expect(chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content)).toEqual([
		'Draft about ',
		'roadmap',
		'.',
	]);
	expect(out[0].json.answer).toBe('Draft about roadmap.');
});

test('as an AI Agent’s tool: the model fills Message, and gets the answer only', async () => {
	setup.glean.agents.agents.set('helpdesk', {
		agent: { agent_id: 'helpdesk', name: 'Helpdesk', capabilities: { 'ap.io.messages': true } },
		inputSchema: {},
		answer: ({ message }) => ['Reset it under Settings → VPN (', message, ').'],
	});
	const { outputs, error } = await runGleanNode({
		parameters: {
			resource: 'agent',
			operation: 'run',
			agentId: { __rl: true, mode: 'id', value: 'helpdesk' },
			message: "={{ $fromAI('request', 'What the helpdesk agent should do', 'string') }}",
		},
		credentials: setup.credentials(),
		asToolWith: { request: 'vpn reset' },
		streaming: true,
	});
	expect(error).toBeUndefined();
	expect(outputs.Agent[0].json.toolDescription).toBe('Run an agent in Glean Chat');
	expect(JSON.parse(outputs.Agent[0].json.result as string)).toEqual([
		{ answer: 'Reset it under Settings → VPN (vpn reset).' },
	]);
});

test('a stream Glean answers whole as JSON, or as events relabelled text/plain by a proxy: the same answer', async () => {
	setup.glean.enqueue(
		'agents/runs/stream',
		{
			kind: 'json',
			json: {
				run: { status: 'success' },
				messages: [{ role: 'GLEAN_AI', content: [{ text: 'Whole.', type: 'text' }] }],
			},
		},
		{
			kind: 'text',
			status: 200,
			text: serverSentEvent(1, 'message', {
				messages: [{ role: 'GLEAN_AI', content: [{ text: 'Relabelled.', type: 'text' }] }],
			}),
		},
	);
	const { items: out } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'a' } }, { json: { topic: 'b' } }],
		credentials: setup.credentials(),
	});
	expect(out.map((item) => item.json.answer)).toEqual(['Whole.', 'Relabelled.']);
});

test('Timeout (Ms): the node stops waiting for a run that takes longer, and closes it', async () => {
	setup.glean.enqueue('agents/runs/stream', { kind: 'silent' });
	const { error } = await runGleanNode({
		parameters: runAgent('drafter', { options: { timeoutMillis: 200 } }),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toMatch(
		/^Glean did not finish answering within \d+ ms \(the 200 ms timeout/,
	);
	const [request] = setup.glean.requestsTo('agents/runs/stream');
	expect(await request.closed).toBe(true);
	expect(setup.glean.requestsTo('agents/runs/stream')).toHaveLength(1);
});

test('a streamed run whose status says error fails the item, as the same run waited for does', async () => {
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'ndjson',
		body:
			serverSentEvent(1, 'message', {
				messages: [{ role: 'GLEAN_AI', content: [{ text: 'Could not reach Jira', type: 'text' }] }],
			}) + serverSentEvent(2, 'message', { run: { status: 'error' } }),
		contentType: 'text/event-stream',
	});
	const { error } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe("The agent's run failed: Could not reach Jira");
});

test('an unreadable event that echoes the token across the quoted part: never shown, even in part', async () => {
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'ndjson',
		body: `event: message\ndata: ${'x'.repeat(70)} Bearer ${TOKEN} and more\n\n`,
		contentType: 'text/event-stream',
	});
	const { items } = await runGleanNode({
		parameters: runAgent(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
		continueOnFail: true,
	});
	expect(items[0].json.error).toMatch(
		/could not be read \(an event whose data is not JSON: x+ Bearer \[redacted\]/,
	);
	expect(JSON.stringify(items)).not.toContain(TOKEN.slice(0, 8));
});
