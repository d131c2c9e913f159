import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type {
	IDataObject,
	INodeParameters,
	INodeProperties,
	INodeType,
	StructuredChunk,
} from 'n8n-workflow';

import { gleanTestSetup } from '../harness/gleanTestSetup';
import type { RunOptions, TestItem } from '../harness/n8nHarness';
import { loadPackage, NODE_TYPE, runGleanNode } from '../harness/n8nHarness';
import { testFile } from '../harness/operationCases';
import { EXAMPLE_AGENT, exampleAgentAnswer } from '../emulator/agents';
import { packageRoot } from '../harness/paths';

/**
 * Every workflow in examples/ is a valid n8n export, and its Glean Chat part runs against the
 * emulator. Nodes from n8n-nodes-base and the AI nodes are not installed here: their output is
 * given as the Glean Chat node's input, the example file itself stays as users import it.
 */

const TOKEN = 'examples-secret-token';
const setup = gleanTestSetup(TOKEN);

interface ExportedNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: INodeParameters;
	credentials?: Record<string, { id: string; name: string }>;
}

interface ExportedWorkflow {
	name: string;
	nodes: ExportedNode[];
	connections: Record<
		string,
		Record<string, Array<Array<{ node: string; type: string; index: number }>>>
	>;
	settings?: IDataObject;
}

const EXAMPLES_DIR = join(packageRoot(), 'examples');
const files = readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json'));
const load = (file: string) =>
	JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as ExportedWorkflow;
const gleanNodes = (workflow: ExportedWorkflow) =>
	workflow.nodes.filter((node) => node.type.startsWith(NODE_TYPE));

const streamedChunks: StructuredChunk[] = [];
beforeEach(() => (streamedChunks.length = 0));

/** What each example's Glean Chat part gets as input (what the nodes before it would give), and what must come out. */
const RUNS: Record<
	string,
	{
		input: TestItem[];
		/** What Glean has besides its chats (e.g. the example's agent). */
		before?: () => void;
		options?: Partial<RunOptions>;
		check: (result: Awaited<ReturnType<typeof runGleanNode>>) => void;
	}
> = {
	'weekly-roadmap-report.json': {
		input: [{ json: {} }],
		check: ({ items }) => {
			// The Slack node posts the Slack rendering and the chat ID.
			expect(items[0].json).toMatchObject({
				slack: expect.stringContaining('*Sources*\n1. <https://wiki.example.com/roadmap/q4|'),
				chatId: expect.any(String),
			});
			expect((setup.glean.requestsTo('chat')[0].body as IDataObject).saveChat).toBe(true);
		},
	},
	'webhook-question-answer.json': {
		// The Webhook verified the caller's JWT; a user e-mail in the body is not believed.
		input: [
			{
				json: {
					jwtPayload: { email: 'ann@example.com', aud: 'n8n-ask-glean' },
					body: { question: 'When does Atlas launch?', userEmail: 'ceo@example.com' },
				},
			},
		],
		check: ({ items }) => {
			expect(items[0].json.answer).toEqual(expect.any(String));
			expect((items[0].json.citations as IDataObject[]).length).toBeGreaterThan(0);
			// What the Respond node returns: the plain text and HTML renderings.
			expect(items[0].json.plainText).toMatch(
				/\n\nSources\n\[1\] Roadmap 2026 – Q4 update – https:/,
			);
			expect(items[0].json.html).toMatch(/^<p>.*<\/ol>$/s);
			expect((setup.glean.requestsTo('chat')[0].body as IDataObject).stream).toBe(true);
			expect(setup.glean.requestsTo('chat')[0].headers['x-glean-actas']).toBe('ann@example.com');
		},
	},
	'webhook-streaming-answer.json': {
		input: [{ json: { body: { question: 'When does Atlas launch?' } } }],
		// The Webhook's streaming response mode runs the workflow with streaming on.
		options: { streaming: true, onChunk: (chunk) => streamedChunks.push(chunk) },
		check: ({ items }) => {
			const pieces = streamedChunks
				.filter((chunk) => chunk.type === 'item')
				.map((chunk) => chunk.content ?? '');
			expect(pieces.length).toBeGreaterThan(1);
			// Glean's plan, a blank line, then the answer the item holds.
			expect(pieces.join('').endsWith(`\n\n${items[0].json.answer as string}`)).toBe(true);
			expect(streamedChunks.filter((chunk) => chunk.type === 'end')).toHaveLength(1);
		},
	},
	'upload-file-and-ask.json': {
		input: [{ json: {}, files: testFile(4096, 'quarterly-report.pdf') }],
		check: ({ outputs }) => {
			const [uploaded] = outputs['Glean Chat'];
			const [answer] = outputs['Glean Chat 2'];
			expect(answer.json.answer).toEqual(expect.any(String));
			const body = setup.glean.requestsTo('chat')[0].body as {
				messages: Array<{ uploadedFileIds?: string[] }>;
			};
			expect(body.messages[0].uploadedFileIds).toEqual(uploaded.json.fileIds);
		},
	},
	'webhook-run-agent.json': {
		input: [{ json: { body: { version: '2.4', audience: 'customers' } } }],
		before: () => setup.glean.agents.agents.set(EXAMPLE_AGENT.agent.agent_id, EXAMPLE_AGENT),
		check: ({ items }) => {
			const input = { version: '2.4', audience: 'customers', highlights: '' };
			expect(items[0].json).toMatchObject({ answer: exampleAgentAnswer(input), status: 'success' });
			// Every field of the agent's form, the unmapped one empty, as Glean requires.
			expect(setup.glean.agents.runs[0].input).toEqual(input);
		},
	},
	'ai-agent-with-glean-tool.json': {
		input: [{ json: { chatInput: 'Who owns the Atlas launch?' } }],
		options: { asToolWith: { question: 'Who owns the Atlas launch?' } },
		check: ({ outputs }) => {
			const result = JSON.parse(outputs.Agent[0].json.result as string) as Array<{
				answer: string;
				sources: IDataObject[];
			}>;
			expect(result[0].sources.length).toBeGreaterThan(0);
		},
	},
};

describe('examples', () => {
	test('every example has a test run, and every test run an example', () => {
		expect(files.sort()).toEqual(Object.keys(RUNS).sort());
	});

	test.each(files)('%s is a valid n8n workflow export', async (file) => {
		const workflow = load(file);
		expect(workflow.name).toEqual(expect.any(String));
		const names = workflow.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		expect(new Set(workflow.nodes.map((node) => node.id)).size).toBe(names.length);
		for (const [source, outputs] of Object.entries(workflow.connections)) {
			expect(names).toContain(source);
			for (const connection of Object.values(outputs).flat(2))
				expect(names).toContain(connection.node);
		}
		for (const node of workflow.nodes) {
			expect(node).toMatchObject({
				id: expect.any(String),
				typeVersion: expect.any(Number),
				position: [expect.any(Number), expect.any(Number)],
			});
		}
		// Glean Chat nodes use only parameters and values the node has, and its credential.
		const { nodeTypes } = await loadPackage();
		const properties = (nodeTypes.getByNameAndVersion(NODE_TYPE, 1) as INodeType).description
			.properties;
		for (const node of gleanNodes(workflow)) {
			expect(node.typeVersion).toBe(1);
			expect(Object.keys(node.credentials ?? {})).toEqual(['gleanChatApi']);
			const { resource, operation } = node.parameters as { resource: string; operation: string };
			const shown = properties.filter((property) => isShown(property, resource, operation));
			for (const name of Object.keys(node.parameters))
				expect(shown.map((property) => property.name)).toContain(name);
			const options = shown.find((property) => property.name === 'options');
			for (const name of Object.keys((node.parameters.options as IDataObject | undefined) ?? {})) {
				expect((options?.options as INodeProperties[]).map((option) => option.name)).toContain(
					name,
				);
			}
		}
	});

	test.each(files)(
		'%s: a webhook in it requires authentication, and Act As never comes from what the caller sends',
		(file) => {
			const workflow = load(file);
			for (const node of workflow.nodes.filter(
				(candidate) => candidate.type === 'n8n-nodes-base.webhook',
			)) {
				expect(['jwtAuth', 'headerAuth', 'basicAuth']).toContain(node.parameters.authentication);
				expect(Object.keys(node.credentials ?? {})).toHaveLength(1);
			}
			for (const node of gleanNodes(workflow)) {
				const actAs = String((node.parameters.options as IDataObject | undefined)?.actAs ?? '');
				// Only from an identity the workflow verified (the Webhook's JWT), never the body, query or headers.
				expect(actAs).not.toMatch(/\$json\.(body|query|headers)|\.json\.(body|query|headers)/);
				if (actAs !== '') expect(actAs).toMatch(/jwtPayload/);
			}
		},
	);

	test.each(files)('%s: its Glean Chat part runs against the emulator', async (file) => {
		const [first, ...rest] = gleanNodes(load(file));
		const run = RUNS[file];
		run.before?.();
		const result = await runGleanNode({
			parameters: first.parameters,
			then: rest.map((node) => node.parameters),
			items: run.input,
			credentials: setup.credentials(),
			...run.options,
		});
		expect(result.error).toBeUndefined();
		run.check(result);
	});
});

function isShown(property: INodeProperties, resource: string, operation: string): boolean {
	const show = property.displayOptions?.show;
	if (!show) return true;
	return (
		(!show.resource || show.resource.includes(resource)) &&
		(!show.operation || show.operation.includes(operation))
	);
}
