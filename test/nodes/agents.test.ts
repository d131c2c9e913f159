import type { INodeParameters } from 'n8n-workflow';

import {
	ACCOUNT_BRIEF,
	HELPDESK,
	JIRA_BOT,
	mapped,
	RELEASE_NOTES,
	runParameters,
} from '../harness/agentCases';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Agent → Run in n8n-core's engine against the emulator's Agents endpoints (every request
 * checked against Glean's spec): streamed and waited for, the form as mapped, chat agents,
 * structured output, Simplify off, and the AI Agent tool.
 */

const TOKEN = 'Kx9-agents-secret-token';
const setup = gleanTestSetup(TOKEN);

beforeEach(() => {
	for (const agent of [RELEASE_NOTES, HELPDESK, ACCOUNT_BRIEF, JIRA_BOT])
		setup.glean.agents.agents.set(agent.agent.agent_id, agent);
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
			run: {
				agent_id: 'release-notes',
				input: { version: '2.4', audience: 'customers', releaseDate: '' },
				status: 'success',
			},
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

test('structured output after a preamble: read from the agent’s last message', async () => {
	setup.glean.enqueue('agents/runs/wait', {
		kind: 'json',
		json: {
			run: { status: 'success' },
			messages: [
				{ role: 'GLEAN_AI', content: [{ text: 'Here is the brief:', type: 'text' }] },
				{ role: 'GLEAN_AI', content: [{ text: '{"summary": "Renews in March"}', type: 'text' }] },
			],
		},
	});
	const { items } = await runGleanNode({
		parameters: {
			resource: 'agent',
			operation: 'run',
			agentId: { __rl: true, mode: 'id', value: 'account-brief' },
			input: mapped({ account: 'Acme' }) as INodeParameters['input'],
			stream: false,
		},
		credentials: setup.credentials(),
	});
	expect(items[0].json.answer).toBe('Here is the brief:\n\n{"summary": "Renews in March"}');
	expect(items[0].json.output).toEqual({ summary: 'Renews in March' });
});
