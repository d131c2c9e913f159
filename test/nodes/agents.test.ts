import type { INodeParameters, ResourceMapperValue } from 'n8n-workflow';

import type { EmulatedAgent } from '../emulator/agents';
import { resourceMapping, listSearch } from '../harness/editorLookups';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { signedInCredential } from '../harness/signIn';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Agent → Run, Search, Get and Get Schemas in n8n-core's engine against the emulator's Agents
 * endpoints (every request checked against Glean's spec), and what the editor asks while a user
 * sets the node up (the agent list, the agent's form as "Input").
 */

const TOKEN = 'Kx9-agents-secret-token';
const setup = gleanTestSetup(TOKEN);

export const RELEASE_NOTES: EmulatedAgent = {
	agent: {
		agent_id: 'release-notes',
		name: 'Release note drafter',
		description: 'Drafts the release note of a version',
		capabilities: { 'ap.io.messages': false, 'ap.io.streaming': true },
	},
	inputSchema: {
		type: 'object',
		properties: {
			version: { type: 'string', title: 'Version', description: 'e.g. 2.4' },
			audience: { type: 'string', title: 'Audience', enum: ['customers', 'engineers'] },
			releaseDate: { type: 'string', format: 'date', title: 'Release date' },
		},
		required: ['version'],
	},
	answer: ({ input }) => [
		`Release ${String(input.version)} `,
		`for ${String(input.audience) || 'everyone'}`,
		`${input.releaseDate ? ` on ${String(input.releaseDate)}` : ''}: `,
		'Atlas search 🚀 and faster ',
		'answers.',
	],
};

const HELPDESK: EmulatedAgent = {
	agent: {
		agent_id: 'helpdesk',
		name: 'Helpdesk',
		capabilities: { 'ap.io.messages': true, 'ap.io.streaming': true },
	},
	inputSchema: {},
	answer: ({ message }) => ['You asked: ', message],
};

const ACCOUNT_BRIEF: EmulatedAgent = {
	agent: { agent_id: 'account-brief', name: 'Account brief', capabilities: {} },
	inputSchema: { type: 'object', properties: { account: { type: 'string' } }, required: [] },
	outputSchema: {
		type: 'object',
		properties: { summary: { type: 'string' }, risk: { type: 'string' } },
	},
	answer: ({ input }) => [
		'```json\n{"summary": "',
		`${String(input.account)} renews in March`,
		'", "risk": "low"}\n```',
	],
};

const JIRA_BOT: EmulatedAgent = {
	agent: { agent_id: 'jira-bot', name: 'Jira triage', capabilities: {} },
	inputSchema: { type: 'object', properties: { ticket: { type: 'string' } } },
	unauthorizedTools: [
		{ toolName: 'jira_create_issue', toolDisplayName: 'Jira', serverId: 'jira-cloud' },
	],
	answer: ['never'],
};

beforeEach(() => {
	for (const agent of [RELEASE_NOTES, HELPDESK, ACCOUNT_BRIEF, JIRA_BOT])
		setup.glean.agents.agents.set(agent.agent.agent_id, agent);
});

/** Input as the editor saves it: the fields defined below, with the schema it showed. */
function mapped(value: Record<string, string>): Partial<ResourceMapperValue> {
	return { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] };
}

function runParameters(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'agent',
		operation: 'run',
		agentId: { __rl: true, mode: 'list', value: 'release-notes' },
		input: mapped({
			version: '={{ $json.version }}',
			audience: '={{ $json.audience }}',
		}) as INodeParameters['input'],
		...extra,
	};
}

describe('the editor', () => {
	test('"From List" lists the agents the user may run, searchable by name', async () => {
		const all = await listSearch('searchAgents', {
			parameters: { resource: 'agent', operation: 'run' },
			credentials: setup.credentials(),
		});
		expect(all.results.map((result) => result.value).sort()).toEqual(
			['account-brief', 'helpdesk', 'jira-bot', 'release-notes'].sort(),
		);
		const found = await listSearch('searchAgents', {
			parameters: { resource: 'agent', operation: 'run' },
			credentials: setup.credentials(),
			filter: 'RELEASE',
		});
		expect(found.results).toEqual([
			{
				name: 'Release note drafter',
				value: 'release-notes',
				description: 'Drafts the release note of a version',
			},
		]);
		expect(setup.glean.requestsTo('agents/search').map((request) => request.body)).toEqual([
			{ name: '' },
			{ name: 'RELEASE' },
		]);
	});

	test('"Input" shows the agent’s form: titles, types, choices and required fields', async () => {
		const { fields } = await resourceMapping('getAgentInputFields', {
			parameters: runParameters(),
			credentials: setup.credentials(),
		});
		expect(fields).toEqual([
			expect.objectContaining({
				id: 'version',
				displayName: 'Version (e.g. 2.4)',
				required: true,
				type: 'string',
				display: true,
			}),
			expect.objectContaining({
				id: 'audience',
				displayName: 'Audience',
				required: false,
				type: 'options',
				options: [
					{ name: 'customers', value: 'customers' },
					{ name: 'engineers', value: 'engineers' },
				],
			}),
			expect.objectContaining({ id: 'releaseDate', required: false, type: 'string' }),
		]);
		const [request] = setup.glean.requestsTo('agents/release-notes/schemas');
		expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	test('before an agent is chosen, "Input" says so and asks Glean nothing', async () => {
		const result = await resourceMapping('getAgentInputFields', {
			parameters: runParameters({ agentId: { __rl: true, mode: 'list', value: '' } }),
			credentials: setup.credentials(),
		});
		expect(result).toEqual({
			fields: [],
			emptyFieldsNotice: expect.stringMatching(/Choose an agent/),
		});
		expect(setup.glean.requests).toHaveLength(0);
	});

	test('an agent without a form says to use Message', async () => {
		const result = await resourceMapping('getAgentInputFields', {
			parameters: runParameters({ agentId: { __rl: true, mode: 'id', value: 'helpdesk' } }),
			credentials: setup.credentials(),
		});
		expect(result.fields).toEqual([]);
		expect(result.emptyFieldsNotice).toMatch(/Message/);
	});

	test('signed in with OAuth2: the lookups renew an expired access token, as runs do', async () => {
		const credentials = await signedInCredential(setup.glean, {
			scope: 'chat agents offline_access',
		});
		setup.glean.oauth.expireAccessTokens();
		const found = await listSearch('searchAgents', {
			parameters: { authentication: 'oAuth2', resource: 'agent', operation: 'run' },
			credentials,
			filter: 'helpdesk',
		});
		expect(found.results.map((result) => result.value)).toEqual(['helpdesk']);
		expect(setup.glean.requestsTo('agents/search').map((request) => request.status)).toEqual([
			401, 200,
		]);
		expect(setup.glean.oauth.tokenRequests.map((fields) => fields.grant_type)).toEqual([
			'authorization_code',
			'refresh_token',
		]);
	});

	test('a lookup Glean refuses fails with the node’s own error, without the token', async () => {
		const lookup = resourceMapping('getAgentInputFields', {
			parameters: runParameters({ agentId: { __rl: true, mode: 'id', value: 'nobody' } }),
			credentials: setup.credentials(),
		});
		await expect(lookup).rejects.toThrow(/Glean answered 404: Agent not found or not shared/);
		await expect(lookup).rejects.not.toThrow(new RegExp(TOKEN));
	});
});

describe('Agent → Run', () => {
	const items = [
		{ json: { version: '2.4', audience: 'customers' } },
		{ json: { version: '2.5', audience: '' } },
	];

	test('streamed and waited for, the same items; every form field is sent, optional ones empty', async () => {
		const streamed = await runGleanNode({
			parameters: runParameters(),
			items,
			credentials: setup.credentials(),
		});
		const waited = await runGleanNode({
			parameters: runParameters({ stream: false }),
			items,
			credentials: setup.credentials(),
		});
		expect(streamed.error).toBeUndefined();
		expect(waited.items.map((item) => item.json)).toEqual(streamed.items.map((item) => item.json));
		expect(streamed.items.map((item) => item.json)).toEqual([
			{
				answer: 'Release 2.4 for customers: Atlas search 🚀 and faster answers.',
				status: 'success',
				messages: [
					{
						role: 'GLEAN_AI',
						text: 'Release 2.4 for customers: Atlas search 🚀 and faster answers.',
					},
				],
				agentId: 'release-notes',
			},
			expect.objectContaining({
				answer: 'Release 2.5 for everyone: Atlas search 🚀 and faster answers.',
			}),
		]);
		expect(streamed.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const runs = setup.glean.agents.runs;
		expect(runs.map((run) => run.input)).toEqual([
			{ version: '2.4', audience: 'customers', releaseDate: '' },
			{ version: '2.5', audience: '', releaseDate: '' },
			{ version: '2.4', audience: 'customers', releaseDate: '' },
			{ version: '2.5', audience: '', releaseDate: '' },
		]);
		// The form is read once per node run, not once per item.
		expect(setup.glean.requestsTo('agents/release-notes/schemas')).toHaveLength(2);
	});

	test.each([1, 2, 3, 4, 5, 6])(
		'the event stream cut into random pieces (seed %i) gives the same answer',
		async (seed) => {
			setup.glean.agents.chunking = { random: { seed, maxSize: 9 } };
			const { items: out, error } = await runGleanNode({
				parameters: runParameters({
					input: mapped({ version: '3.0', audience: 'engineers' }) as INodeParameters['input'],
				}),
				credentials: setup.credentials(),
			});
			expect(error).toBeUndefined();
			expect(out[0].json.answer).toBe(
				'Release 3.0 for engineers: Atlas search 🚀 and faster answers.',
			);
		},
	);

	test('"Map Automatically" takes the item’s fields of the same names; a date goes as YYYY-MM-DD', async () => {
		const { items: out } = await runGleanNode({
			parameters: runParameters({ input: { mappingMode: 'autoMapInputData', value: null } }),
			items: [
				{ json: { version: '4.1', releaseDate: '2026-12-01T09:30:00.000+01:00', other: 'x' } },
			],
			credentials: setup.credentials(),
		});
		expect(setup.glean.agents.runs[0].input).toEqual({
			version: '4.1',
			audience: '',
			releaseDate: '2026-12-01',
		});
		expect(out[0].json.answer).toBe(
			'Release 4.1 for everyone on 2026-12-01: Atlas search 🚀 and faster answers.',
		);
	});

	test('an agent given as a plain ID from an expression', async () => {
		const { items: out } = await runGleanNode({
			parameters: runParameters({ agentId: '={{ $json.agent }}' }),
			items: [{ json: { agent: 'release-notes', version: '1.0', audience: 'engineers' } }],
			credentials: setup.credentials(),
		});
		expect(out[0].json.agentId).toBe('release-notes');
	});

	test('a chat agent gets Message as the user’s message', async () => {
		const { items: out } = await runGleanNode({
			parameters: {
				resource: 'agent',
				operation: 'run',
				agentId: { __rl: true, mode: 'id', value: 'helpdesk' },
				message: '={{ $json.question }}',
			},
			items: [{ json: { question: 'How do I reset my VPN?' } }],
			credentials: setup.credentials(),
		});
		expect(out[0].json.answer).toBe('You asked: How do I reset my VPN?');
		expect(setup.glean.agents.runs[0]).toEqual({
			agent_id: 'helpdesk',
			messages: [{ role: 'USER', content: [{ text: 'How do I reset my VPN?', type: 'text' }] }],
		});
	});

	test('structured output: the answer read as JSON when the agent’s output schema defines it', async () => {
		const { items: out } = await runGleanNode({
			parameters: {
				resource: 'agent',
				operation: 'run',
				agentId: { __rl: true, mode: 'id', value: 'account-brief' },
				input: mapped({ account: 'Acme' }) as INodeParameters['input'],
			},
			credentials: setup.credentials(),
		});
		expect(out[0].json.output).toEqual({ summary: 'Acme renews in March', risk: 'low' });
		// Agents without an output schema get no `output`.
		const plain = await runGleanNode({
			parameters: runParameters(),
			items,
			credentials: setup.credentials(),
		});
		expect(plain.items[0].json).not.toHaveProperty('output');
	});

	test('Simplify off: Glean’s whole response; a stream merged into one AgentRunWaitResponse', async () => {
		const parameters = runParameters({
			simplify: false,
			input: mapped({ version: '2.4', audience: 'customers' }) as INodeParameters['input'],
		});
		const waited = await runGleanNode({
			parameters: { ...parameters, stream: false },
			credentials: setup.credentials(),
		});
		const streamed = await runGleanNode({ parameters, credentials: setup.credentials() });
		const text = 'Release 2.4 for customers: Atlas search 🚀 and faster answers.';
		expect(waited.items[0].json).toEqual({
			run: {
				agent_id: 'release-notes',
				input: { version: '2.4', audience: 'customers', releaseDate: '' },
				status: 'success',
			},
			messages: [{ role: 'GLEAN_AI', content: [{ text, type: 'text' }] }],
		});
		expect(streamed.items[0].json).toEqual({
			run: { status: 'success' },
			messages: [{ role: 'GLEAN_AI', content: [{ text, type: 'text' }] }],
		});
	});
});

test('as an AI Agent’s tool, the model fills the agent’s form fields through $fromAI()', async () => {
	const { outputs, error } = await runGleanNode({
		parameters: runParameters({
			input: mapped({
				version: "={{ $fromAI('version', 'The version to draft the release note of', 'string') }}",
				audience: 'engineers',
			}) as INodeParameters['input'],
		}),
		credentials: setup.credentials(),
		asToolWith: { version: '5.0' },
	});
	expect(error).toBeUndefined();
	expect(JSON.parse(outputs.Agent[0].json.result as string)).toEqual([
		{ answer: 'Release 5.0 for engineers: Atlas search 🚀 and faster answers.' },
	]);
	expect(setup.glean.agents.runs[0].input).toEqual({
		version: '5.0',
		audience: 'engineers',
		releaseDate: '',
	});
});
