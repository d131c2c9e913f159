import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';
import type { Page } from 'playwright-core';

import { packageRoot } from '../harness/paths';
import { launchChromium, signedInPage, stepTimer, withScreenshot } from './browser';
import type { N8nInstance, Owner } from './n8nInstance';

/**
 * The browser smoke test: Debian's Chromium (never a downloaded browser), driven by
 * playwright-core, signs in to the real n8n editor, adds the Glean Chat node from the nodes
 * panel, checks that every resource and every operation of each appears in the node's
 * dropdowns, asks the Glean emulator a question with "Execute step", and saves a screenshot
 * of the node's panel with the answer.
 */

const SEND_MESSAGE_QUESTION = 'What changed in our roadmap docs this week?';

export interface ExpectedMenus {
	resources: string[];
	operations: Record<string, string[]>;
	/** The nodes panel's action for Send Message. */
	sendMessageAction: string;
	/** Every operation's action, as the nodes panel lists them. */
	actions: string[];
}

export interface EditorReport {
	resources: string[];
	operations: Record<string, string[]>;
	actions: string[];
	answerShown: boolean;
	screenshot: string;
	/** How long each step took, for the log. */
	timings: string[];
}

/** What the editor should show, read from the node's own description (the built package). */
export function expectedMenus(): ExpectedMenus {
	const { GleanChat } = require(
		join(packageRoot(), 'dist', 'nodes', 'GleanChat', 'GleanChat.node.js'),
	) as { GleanChat: new () => INodeType };
	const properties = new GleanChat().description.properties;
	const resourceOptions = properties.find((property) => property.name === 'resource')
		?.options as INodePropertyOptions[];
	const operations: Record<string, string[]> = {};
	const actions: string[] = [];
	let sendMessageAction = '';
	for (const resource of resourceOptions) {
		const operation = properties.find(
			(property: INodeProperties) =>
				property.name === 'operation' &&
				property.displayOptions?.show?.resource?.includes(resource.value),
		);
		const options = (operation?.options ?? []) as INodePropertyOptions[];
		operations[resource.name] = options.map((option) => option.name);
		actions.push(...options.map((option) => option.action ?? option.name));
		const send = options.find((option) => option.value === 'sendMessage');
		if (send) sendMessageAction = send.action ?? send.name;
	}
	// n8n adds "Custom API Call" to both dropdowns of a node with an OAuth2 credential.
	for (const resource of Object.keys(operations)) operations[resource].push('Custom API Call');
	return {
		resources: [...resourceOptions.map((option) => option.name), 'Custom API Call'],
		operations,
		sendMessageAction,
		actions,
	};
}

export async function checkEditor(
	n8n: N8nInstance,
	owner: Owner,
	credential: string,
	screenshot: string,
): Promise<EditorReport> {
	const expected = expectedMenus();
	// A workflow with only a Manual Trigger, so the nodes panel offers regular nodes.
	const workflow = await n8n.createWorkflow({
		name: `Editor check ${new Date().toISOString()}`,
		nodes: [
			{
				id: 'editor-check-trigger',
				name: 'When clicking ‘Execute workflow’',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		],
		connections: {},
		settings: {},
	});

	const { mark, timings } = stepTimer();
	const browser = await launchChromium();
	let page: Page | undefined;
	try {
		mark('browser started');
		page = await signedInPage(browser, n8n, owner, `/workflow/${workflow.id}`);
		mark('signed in');
		// The + on the trigger's output, so the new node is connected to it (as users add nodes).
		await page.getByTestId('canvas-handle-plus').first().click();
		await page.getByTestId('node-creator-search-bar').waitFor();
		await page.keyboard.type('Glean Chat');
		await page
			.getByTestId('node-creator-item-name')
			.filter({ hasText: /^Glean Chat$/ })
			.first()
			.click();
		mark('found in the nodes panel');
		// The node's actions, grouped by resource, as the nodes panel lists them.
		await page.getByText(expected.sendMessageAction, { exact: true }).waitFor();
		const actions = await actionNames(page);
		await page.getByText(expected.sendMessageAction, { exact: true }).click();
		await page.getByTestId('ndv').waitFor();

		mark('node panel open');
		const resources = await dropdownOptions(page, 'resource');
		const operations: Record<string, string[]> = {};
		for (const resource of Object.keys(expected.operations)) {
			await choose(page, 'resource', resource);
			operations[resource] = await dropdownOptions(page, 'operation');
		}

		mark('dropdowns read');
		// n8n lists both Glean credentials in one dropdown (choosing one sets Authentication).
		await page.getByTestId('node-credentials-select').click();
		await page.getByRole('option').filter({ hasText: credential }).first().click();
		// Back to Send Message, ask the emulator, and show the answer in the output panel.
		await choose(page, 'resource', 'Chat');
		await choose(page, 'operation', 'Send Message');
		await page
			.getByTestId('parameter-input-message')
			.locator('textarea')
			.fill(SEND_MESSAGE_QUESTION);
		await page.getByTestId('node-execute-button').first().click();
		const answer = page
			.getByTestId('output-panel')
			.getByText('Atlas launch', { exact: false })
			.first();
		const answerShown = await answer
			.waitFor({ timeout: 30_000 })
			.then(() => true)
			.catch(() => false);
		mark('answer shown');
		mkdirSync(dirname(screenshot), { recursive: true });
		await page.screenshot({ path: screenshot });
		mark('screenshot');
		return { resources, operations, actions, answerShown, screenshot, timings };
	} catch (error) {
		throw await withScreenshot(error, page, screenshot);
	} finally {
		await browser.close();
	}
}

async function actionNames(page: Page): Promise<string[]> {
	const names = await page
		.locator('[data-keyboard-nav-type="action"]')
		.getByTestId('node-creator-item-name')
		.allInnerTexts();
	return names.map((name) => name.trim());
}

async function dropdownOptions(page: Page, parameter: string): Promise<string[]> {
	await page.getByTestId(`parameter-input-${parameter}`).click();
	const options = page.getByRole('option');
	await options.first().waitFor();
	const names = (await options.allInnerTexts()).map((name) => name.trim().split('\n')[0]);
	await page.keyboard.press('Escape');
	await options.first().waitFor({ state: 'hidden' });
	return names;
}

async function choose(page: Page, parameter: string, option: string): Promise<void> {
	await page.getByTestId(`parameter-input-${parameter}`).click();
	await page
		.getByRole('option')
		.filter({ hasText: new RegExp(`^${option}`) })
		.first()
		.click();
	await page.getByRole('option').first().waitFor({ state: 'hidden' });
}
