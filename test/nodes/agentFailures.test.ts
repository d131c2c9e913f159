import type { INodeParameters } from 'n8n-workflow';

import { DRAFTER, JIRA_BOT, runAgent } from '../harness/agentCases';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Agent → Run refused or given bad input: Glean's refusals (422 tools to connect, 404, 409, 5xx,
 * a dropped connection) and values the form cannot take; each a clear error, an error item with
 * Continue On Fail, and never a retry that could repeat the agent's actions.
 */

const TOKEN = 'Wq4-agent-failures-secret';
const setup = gleanTestSetup(TOKEN, { virtualClock: true });

beforeEach(() => {
	setup.glean.agents.agents.set('drafter', { ...DRAFTER });
	setup.glean.agents.agents.set('jira-bot', JIRA_BOT);
});

const runRequests = () => [
	...setup.glean.requestsTo('agents/runs/stream'),
	...setup.glean.requestsTo('agents/runs/wait'),
];

test.each([true, false])(
	'422: names the tools to connect and how, tried once (stream %s)',
	async (stream) => {
		const { error } = await runGleanNode({
			parameters: runAgent('jira-bot', {
				stream,
				input: { mappingMode: 'defineBelow', value: {} },
			}),
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
	const failed = await runGleanNode({
		parameters: runAgent(),
		items,
		credentials: setup.credentials(),
	});
	expect(failed.error?.message).toBe(
		'Item 1: the agent\'s form field "Topic" is required but empty',
	);
	expect(failed.error?.description).toMatch(
		/Map a value to "Topic" in "Input"\. Nothing was run\./,
	);

	setup.glean.agents.runs.length = 0;
	const { items: out } = await runGleanNode({
		parameters: runAgent(),
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
		parameters: runAgent('drafter', {
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
			...runAgent('helpdesk'),
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
		parameters: runAgent('', { agentId: '={{ $json.agent }}' }),
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe('Item 0: the "Agent" parameter is empty');
});

test('404: no such agent, or not shared with the user', async () => {
	const { error } = await runGleanNode({
		parameters: runAgent('ghost'),
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
		parameters: runAgent(),
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
		parameters: runAgent('drafter', { stream: false }),
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
		parameters: runAgent('drafter', { stream: false }),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(busy.items[0].json.answer).toBe('Draft about x.');
	expect(setup.glean.requestsTo('agents/runs/wait')).toHaveLength(3);
});

test('a connection that breaks before Glean answers: the run is not sent again, and the error says why', async () => {
	setup.glean.enqueue('agents/runs/wait', { kind: 'drop' });
	const { error } = await runGleanNode({
		parameters: runAgent('drafter', { stream: false }),
		items: [{ json: { topic: 'x' } }],
		credentials: setup.credentials(),
	});
	expect(setup.glean.requestsTo('agents/runs/wait')).toHaveLength(1);
	expect(error?.description).toMatch(/Not tried again: the agent may already have started/);
	expect(error?.description).toMatch(/could do them twice/);
});

test('values the form cannot take fail the item before the run; text spellings of numbers and true/false are taken', async () => {
	setup.glean.agents.agents.set('ticket', {
		agent: { agent_id: 'ticket', name: 'Ticket', capabilities: {} },
		inputSchema: {
			type: 'object',
			properties: {
				count: { type: 'integer', title: 'Count' },
				urgent: { type: 'boolean', title: 'Urgent' },
				tier: { type: 'string', title: 'Tier', enum: ['gold', 'silver'] },
			},
		},
		answer: ['ok'],
	});
	const parameters = {
		...runAgent('ticket'),
		input: {
			mappingMode: 'defineBelow',
			value: {
				count: '={{ $json.count }}',
				urgent: '={{ $json.urgent }}',
				tier: '={{ $json.tier }}',
			},
		},
	};
	const { items } = await runGleanNode({
		parameters,
		items: [
			{ json: { count: '3', urgent: 'on', tier: 'gold' } },
			{ json: { count: 'three', urgent: 'yes', tier: 'gold' } },
			{ json: { count: '1', urgent: 'maybe', tier: 'gold' } },
			{ json: { count: '1', urgent: 'no', tier: 'bronze' } },
		],
		credentials: setup.credentials(),
		continueOnFail: true,
	});
	expect(items.map((item) => item.json.answer ?? item.json.error)).toEqual([
		'ok',
		'Item 1: the agent\'s form field "Count" cannot take "three"',
		'Item 2: the agent\'s form field "Urgent" cannot take "maybe"',
		'Item 3: the agent\'s form field "Tier" cannot take "bronze"',
	]);
	expect(items[3].json.description).toMatch(/"Tier" takes one of "gold", "silver"/);
	expect(setup.glean.agents.runs.map((run) => run.input)).toEqual([
		{ count: 3, urgent: true, tier: 'gold' },
	]);
});
