import type { INodeParameters, StructuredChunk } from 'n8n-workflow';

import { serverSentEvent } from '../emulator/agents';
import type { EmulatedAgent } from '../emulator/agents';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Agent → Run when things go wrong: Glean's refusals (422 tools to connect, 404, 409, 5xx), a
 * run that fails part-way (both shapes of error event), a stream that breaks, bad input; each a
 * clear error, an error item with Continue On Fail, never a retry that could repeat the agent's
 * actions, and never the token. Plus live answers in n8n's chat and the AI Agent tool.
 */

const TOKEN = 'Wq4-agent-failures-secret';
const setup = gleanTestSetup(TOKEN, { virtualClock: true });

const DRAFTER: EmulatedAgent = {
	agent: { agent_id: 'drafter', name: 'Drafter', capabilities: {} },
	inputSchema: {
		type: 'object',
		properties: { topic: { type: 'string', title: 'Topic' }, tone: { type: 'string' } },
		required: ['topic'],
	},
	answer: ({ input }) => ['Draft about ', String(input.topic), '.'],
};

beforeEach(() => {
	setup.glean.agents.agents.set('drafter', { ...DRAFTER });
	setup.glean.agents.agents.set('jira-bot', {
		agent: { agent_id: 'jira-bot', name: 'Jira triage', capabilities: {} },
		inputSchema: { type: 'object', properties: { ticket: { type: 'string' } } },
		unauthorizedTools: [
			{ toolName: 'jira_create_issue', toolDisplayName: 'Jira', serverId: 'jira-cloud' },
			{ toolName: 'slack_post', toolDisplayName: 'Slack', serverId: 'slack' },
		],
		answer: ['never'],
	});
});

function run(agentId = 'drafter', extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'agent',
		operation: 'run',
		agentId: { __rl: true, mode: 'id', value: agentId },
		input: {
			mappingMode: 'defineBelow',
			value: { topic: '={{ $json.topic }}' },
			matchingColumns: [],
			schema: [],
		},
		...extra,
	};
}

const runRequests = () => [
	...setup.glean.requestsTo('agents/runs/stream'),
	...setup.glean.requestsTo('agents/runs/wait'),
];

test.each([true, false])(
	'422: names the tools to connect and how, tried once (stream %s)',
	async (stream) => {
		const { error } = await runGleanNode({
			parameters: run('jira-bot', { stream, input: { mappingMode: 'defineBelow', value: {} } }),
			credentials: setup.credentials(),
		});
		expect(error?.message).toBe(
			'Glean answered 422: the agent uses tools not yet connected for this user: Jira (jira-cloud), Slack (slack)',
		);
		expect(error?.description).toMatch(/open the agent and run it once: Glean asks to connect/);
		expect(runRequests()).toHaveLength(1);
	},
);

test('a required form field left empty: the item fails naming the field, nothing is run; Continue On Fail keeps the rest going', async () => {
	const items = [
		{ json: { topic: 'pricing' } },
		{ json: { topic: '  ' } },
		{ json: { topic: 'hiring' } },
	];
	const failed = await runGleanNode({ parameters: run(), items, credentials: setup.credentials() });
	expect(failed.error?.message).toBe(
		'Item 1: the agent\'s form field "Topic" is required but empty',
	);
	expect(failed.error?.description).toMatch(
		/Map a value to "Topic" in "Input"\. Nothing was run\./,
	);

	setup.glean.agents.runs.length = 0;
	const { items: out } = await runGleanNode({
		parameters: run(),
		items,
		credentials: setup.credentials(),
		continueOnFail: true,
	});
	expect(out.map((item) => [item.json.answer ?? item.json.error, item.pairedItem])).toEqual([
		['Draft about pricing.', { item: 0 }],
		['Item 1: the agent\'s form field "Topic" is required but empty', { item: 1 }],
		['Draft about hiring.', { item: 2 }],
	]);
	expect(setup.glean.agents.runs).toHaveLength(2);
});

test('a value for a field the agent’s form no longer has: says to refresh "Input"', async () => {
	const { error } = await runGleanNode({
		parameters: run('drafter', {
			input: { mappingMode: 'defineBelow', value: { topic: 'x', audience: 'sales' } },
		}),
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe('Item 0: the agent\'s form has no field "audience" any more');
	expect(error?.description).toMatch(/refresh its fields .* "topic", "tone"/);
	expect(runRequests()).toHaveLength(0);
});

test('an agent without a form and an empty Message: the node’s own error', async () => {
	setup.glean.agents.agents.set('helpdesk', {
		agent: { agent_id: 'helpdesk', name: 'Helpdesk', capabilities: { 'ap.io.messages': true } },
		inputSchema: {},
		answer: ['hi'],
	});
	const { error } = await runGleanNode({
		parameters: {
			...run('helpdesk'),
			input: undefined,
			message: '={{ $json.nothing }}',
		} as INodeParameters,
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe('Item 0: the "Message" parameter is empty');
	expect(error?.description).toMatch(/"Helpdesk" has no input form, so it runs on a message/);
});

test('an empty Agent: the item fails naming the parameter', async () => {
	const { error } = await runGleanNode({
		parameters: run('', { agentId: '={{ $json.agent }}' }),
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe('Item 0: the "Agent" parameter is empty');
});

test('404: no such agent, or not shared with the user', async () => {
	const { error } = await runGleanNode({
		parameters: run('ghost'),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe('Glean answered 404: Agent not found or not shared with you');
	expect(error?.description).toMatch(/shared with the user/);
});

test('409 and 500 are not tried again: the agent may have acted; 503 is', async () => {
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'json',
		status: 409,
		json: { message: 'A run of this agent is already in progress' },
	});
	const conflict = await runGleanNode({
		parameters: run(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(conflict.error?.message).toBe(
		'Glean answered 409: A run of this agent is already in progress',
	);
	expect(conflict.error?.description).toMatch(/other run to finish/);
	expect(setup.glean.requestsTo('agents/runs/stream')).toHaveLength(1);

	setup.glean.enqueue('agents/runs/wait', {
		kind: 'text',
		status: 500,
		text: 'Internal Server Error',
	});
	const broken = await runGleanNode({
		parameters: run('drafter', { stream: false }),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(broken.error?.description).toMatch(/agents can take actions .* could do them twice/);
	expect(setup.glean.requestsTo('agents/runs/wait')).toHaveLength(1);

	setup.glean.enqueue('agents/runs/wait', {
		kind: 'text',
		status: 503,
		text: 'Service Unavailable',
	});
	const busy = await runGleanNode({
		parameters: run('drafter', { stream: false }),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(busy.items[0].json.answer).toBe('Draft about x.');
	expect(setup.glean.requestsTo('agents/runs/wait')).toHaveLength(3);
});

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
				parameters: run('drafter', { stream }),
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
		parameters: run(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
		continueOnFail: true,
	});
	expect(out[0].json.error).toMatch(/^The agent's answer stopped before it was complete: /);
	expect(out[0].json.description).toMatch(/check its runs in Glean before running the item again/);
	expect(out[0].json.partialAnswer).toMatchObject({ answer: 'Draft' });
	expect(setup.glean.requestsTo('agents/runs/stream')).toHaveLength(1);
});

test('a stream that ends cleanly without any text: an error, not an empty answer', async () => {
	setup.glean.enqueue('agents/runs/stream', {
		kind: 'ndjson',
		body: ': keep-alive\n\n' + serverSentEvent(1, 'message', {}),
		contentType: 'text/event-stream',
	});
	const { error } = await runGleanNode({
		parameters: run(),
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
		parameters: run(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toMatch(
		/could not be read \(an event whose data is not JSON \(Hello there\)\)/,
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
		parameters: run(),
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
		parameters: run(),
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
		parameters: run(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(JSON.stringify([error?.message, error?.description, error?.context])).not.toContain(TOKEN);
});

test('live in n8n’s chat: begin, the agent’s words in order, end; the item as usual', async () => {
	const chunks: StructuredChunk[] = [];
	const { items: out } = await runGleanNode({
		parameters: run(),
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
		parameters: run(),
		items: [{ json: { topic: 'a' } }, { json: { topic: 'b' } }],
		credentials: setup.credentials(),
	});
	expect(out.map((item) => item.json.answer)).toEqual(['Whole.', 'Relabelled.']);
});

test('a connection that breaks before Glean answers: the run is not sent again, and the error says why', async () => {
	setup.glean.enqueue('agents/runs/wait', { kind: 'drop' });
	const { error } = await runGleanNode({
		parameters: run('drafter', { stream: false }),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(setup.glean.requestsTo('agents/runs/wait')).toHaveLength(1);
	expect(error?.description).toMatch(/Not tried again: the agent may already have started/);
	expect(error?.description).toMatch(/could do them twice/);
});

test('Timeout (Ms): the node stops waiting for a run that takes longer, and closes it', async () => {
	setup.glean.enqueue('agents/runs/stream', { kind: 'silent' });
	const { error } = await runGleanNode({
		parameters: run('drafter', { options: { timeoutMillis: 200 } }),
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
		parameters: run(),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe("The agent's run failed: Could not reach Jira");
});
