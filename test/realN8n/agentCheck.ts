import { copyFileSync } from 'node:fs';

import type { Page } from 'playwright-core';

import { EXAMPLE_AGENT, exampleAgentAnswer } from '../emulator/agents';
import { launchChromium, signedInPage, stepTimer, withScreenshot } from './browser';
import type { ImportedExample, LocalN8n } from './localN8n';
import { OWNER } from './localN8n';
import { check, type Json, short } from './report';

/**
 * A Glean agent in the real n8n (issue 18): what the editor asks while a user sets up Agent →
 * Run (the agent list and the agent's form, through n8n's own REST endpoints for them), then the
 * example workflow published and called as its caller would.
 */

const NODE = { name: 'n8n-nodes-glean-chat.gleanChat', version: 1 };

export async function checkAgent(
	local: LocalN8n,
	imported: ImportedExample,
	screenshots: { path: string; saveTo?: string },
): Promise<void> {
	const { glean, n8n } = local;
	glean.agents.agents.set(EXAMPLE_AGENT.agent.agent_id, EXAMPLE_AGENT);
	const gleanNode = (imported.workflow.nodes as Array<{ type: string; credentials?: Json }>).find(
		(node) => node.type === NODE.name,
	);
	const lookup = {
		nodeTypeAndVersion: NODE,
		// As the editor sends them: every parameter, defaults included.
		currentNodeParameters: {
			authentication: 'apiToken',
			resource: 'agent',
			operation: 'run',
			agentId: { __rl: true, mode: 'list', value: EXAMPLE_AGENT.agent.agent_id },
		},
		credentials: gleanNode?.credentials,
	};
	// The editor's "From List", searching as the user types.
	const listed = await n8n.rest<{ results: Array<{ name: string; value: string }> }>(
		'POST',
		'/rest/dynamic-node-parameters/resource-locator-results',
		{ ...lookup, path: 'parameters.agentId', methodName: 'searchAgents', filter: 'release' },
	);
	check(
		'"Agent → From List" finds the agent by name',
		listed.results.some((result) => result.value === EXAMPLE_AGENT.agent.agent_id),
		listed.results.map((result) => result.name).join(', '),
	);
	// The editor's "Input": the agent's form as fields.
	const mapper = await n8n.rest<{ fields: Array<{ id: string; required: boolean; type: string }> }>(
		'POST',
		'/rest/dynamic-node-parameters/resource-mapper-fields',
		{ ...lookup, path: 'parameters.input', methodName: 'getAgentInputFields' },
	);
	check(
		'"Input" shows the agent’s form: Version (required), Audience (a choice), Highlights',
		mapper.fields.map((field) => `${field.id}:${field.type}${field.required ? '*' : ''}`).join() ===
			'version:string*,audience:options,highlights:string',
		mapper.fields.map((field) => field.id).join(', '),
	);

	const editor = await agentInEditor(local, imported, screenshots.path);
	check(
		'in the editor, the agent’s node shows the agent and its form as fields',
		['Release note drafter', 'Version', 'Audience', 'Highlights'].every((text) =>
			editor.panel.includes(text),
		),
		short(editor.panel.replace(/\s+/g, ' '), 120),
	);
	check(
		'in the editor, "From List" offers the agent',
		editor.listed.some((name) => name.includes(EXAMPLE_AGENT.agent.name)),
		editor.listed.join(', '),
	);
	console.log(`  steps: ${editor.timings.join(', ')}`);
	if (screenshots.saveTo) {
		copyFileSync(screenshots.path, screenshots.saveTo);
		console.log(`  screenshot saved to ${screenshots.saveTo}`);
	}

	await n8n.activate(imported);
	const release = { version: '2.4', audience: 'customers' };
	const anonymous = await n8n.callWebhook('release-note', release);
	check(
		'a caller without the release tool’s header is refused, and no agent runs',
		anonymous.status === 403 && glean.agents.runs.length === 0,
		`${anonymous.status}`,
	);
	const response = await n8n.callWebhook('release-note', release, {
		[local.callers.header.name]: local.callers.header.value,
	});
	const reply = (await response.json()) as { releaseNote?: string; status?: string };
	const input = { ...release, highlights: '' };
	check(
		'the caller got the agent’s release note',
		response.status === 200 &&
			reply.releaseNote === exampleAgentAnswer(input) &&
			reply.status === 'success',
		`${response.status} ${short(reply.releaseNote)}`,
	);
	check(
		'the agent ran once, streamed, with every field of its form',
		glean.agents.runs.length === 1 &&
			JSON.stringify(glean.agents.runs[0].input) === JSON.stringify(input) &&
			glean.requestsTo('agents/runs/stream').length === 1,
		JSON.stringify(glean.agents.runs[0]?.input),
	);
	const run = await n8n.lastExecution(imported.id);
	check('the execution succeeded', run.status === 'success', run.error?.message);
}

/**
 * A new workflow whose agent node has the agent chosen but no form yet (as right after picking
 * it), opened in the editor (Debian's Chromium): the text of its panel once the editor has
 * asked the node for the agent's form, and what "From List" offers.
 */
async function agentInEditor(
	{ n8n }: LocalN8n,
	imported: ImportedExample,
	screenshot: string,
): Promise<{ panel: string; listed: string[]; timings: string[] }> {
	const { mark, timings } = stepTimer();
	const example = (imported.workflow.nodes as Array<Json & { type: string }>).find(
		(node) => node.type === NODE.name,
	)!;
	const workflow = await n8n.createWorkflow({
		name: `Agent editor check ${new Date().toISOString()}`,
		nodes: [
			{
				...example,
				id: 'agent-editor-check',
				name: 'Run an agent',
				parameters: {
					resource: 'agent',
					operation: 'run',
					// As the editor saves a pick from the list.
					agentId: {
						__rl: true,
						mode: 'list',
						value: EXAMPLE_AGENT.agent.agent_id,
						cachedResultName: EXAMPLE_AGENT.agent.name,
					},
				},
			},
		],
		connections: {},
		settings: {},
	});
	const browser = await launchChromium();
	let page: Page | undefined;
	try {
		page = await signedInPage(browser, n8n, OWNER, `/workflow/${workflow.id}`);
		mark('signed in');
		await page.getByTestId('canvas-node').filter({ hasText: 'Run an agent' }).dblclick();
		const panel = page.getByTestId('ndv');
		await panel.getByTestId('mapping-fields-container').getByText('Highlights').first().waitFor();
		mark('form shown');
		// The chosen agent is the locator's input value; the form's fields are labels.
		const chosen = await panel.getByTestId('rlc-input').first().inputValue();
		const text = `${chosen}\n${await panel.innerText()}`;
		await page.screenshot({ path: screenshot });
		await panel.getByTestId('rlc-input').first().click();
		const items = page.getByTestId('rlc-item');
		await items.first().waitFor();
		const listed = (await items.allInnerTexts()).map((name) => name.trim());
		mark('agent list shown');
		return { panel: text, listed, timings };
	} catch (error) {
		throw await withScreenshot(error, page, screenshot);
	} finally {
		await browser.close();
	}
}
