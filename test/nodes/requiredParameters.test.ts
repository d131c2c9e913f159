import type { INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { GleanEmulator } from '../emulator/gleanEmulator';
import { N8N_MAJOR } from '../harness/engine';
import { GLEAN_NODE_NAME, loadPackage, NODE_TYPE, runGleanNode } from '../harness/n8nHarness';

/**
 * A required parameter left empty is n8n's to refuse, before the node runs: n8n 2.x names the
 * node and the field in its error; n8n 1.x's engine only says the workflow has issues, and its
 * editor names the field from the same parameter check (test:n8n shows it in the real 1.x app).
 * An expression that gives nothing, which n8n cannot check beforehand, gets the node's own error.
 */
let glean: GleanEmulator;
const TOKEN = 'required-parameters-token-5e1d';
beforeAll(async () => {
	glean = await GleanEmulator.start({ token: TOKEN });
});
afterAll(async () => await glean.stop());
afterEach(() => expect(glean.violations).toEqual([]));

const credentials = () => ({ baseUrl: glean.baseUrl, apiToken: TOKEN });
const emptyMessage = { resource: 'chat', operation: 'sendMessage', message: '' };

test(`a Message left empty: n8n ${N8N_MAJOR}.x refuses the workflow before anything reaches Glean`, async () => {
	const refused = runGleanNode({ parameters: emptyMessage, credentials: credentials() });
	if (N8N_MAJOR === 2) {
		await expect(refused).rejects.toThrow(
			`The '${GLEAN_NODE_NAME}' node has issues:\n- Parameter "Message" is required.`,
		);
	} else {
		await expect(refused).rejects.toThrow(
			'The workflow has issues and cannot be executed for that reason. Please fix them first.',
		);
	}
	expect(glean.requests).toEqual([]);
});

test("the parameter check n8n's editor shows on the node names the Message field", async () => {
	const { nodeTypes } = await loadPackage();
	const type = nodeTypes.getByNameAndVersion(NODE_TYPE, 1) as INodeType;
	const node = {
		id: 'glean-node',
		name: GLEAN_NODE_NAME,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: NodeHelpers.getNodeParameters(
			type.description.properties,
			emptyMessage,
			true,
			false,
			null,
			type.description,
		)!,
	};
	const issues = NodeHelpers.getNodeParametersIssues(
		type.description.properties,
		node,
		type.description,
	);
	expect(issues?.parameters).toEqual({ message: ['Parameter "Message" is required.'] });
});

test('an expression that gives an empty Message fails that item with the node’s own error, naming the field', async () => {
	const { error, items } = await runGleanNode({
		parameters: { ...emptyMessage, message: '={{ $json.question }}' },
		items: [{ json: { question: 'What changed?' } }, { json: { question: '  ' } }],
		credentials: credentials(),
		continueOnFail: true,
	});
	expect(error).toBeUndefined();
	expect(items).toHaveLength(2);
	expect(items[1].json.error).toBe('Item 1: the "Message" parameter is empty');
	expect(items[1].pairedItem).toEqual({ item: 1 });
	expect(glean.requestsTo('chat')).toHaveLength(1);
});
