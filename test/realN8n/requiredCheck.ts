import { launchChromium, signedInPage, withScreenshot } from './browser';
import type { LocalN8n } from './localN8n';
import { OWNER } from './localN8n';
import { N8N_MAJOR } from './n8nInstall';
import { check, short } from './report';

/**
 * A Glean Chat node whose Message is left empty, as a user would leave it: n8n itself refuses
 * the workflow before the node runs (a required parameter). What the user is told must name the
 * field: the editor's "Execute workflow", and a run the server starts (a trigger, the REST API).
 */
export async function checkEmptyMessage(
	local: LocalN8n,
	credentialId: string,
	screenshot: string,
): Promise<void> {
	const { id } = await local.n8n.createWorkflow({
		name: 'Glean Chat with an empty Message',
		nodes: [
			{
				id: 'trigger',
				name: 'Run it',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'glean',
				name: 'Ask Glean',
				type: 'n8n-nodes-glean-chat.gleanChat',
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'chat', operation: 'sendMessage', message: '' },
				credentials: { gleanChatApi: { id: credentialId, name: 'Glean' } },
			},
		],
		connections: {
			'Run it': { main: [[{ node: 'Ask Glean', type: 'main', index: 0 }]] },
		},
		settings: {},
	});

	const run = await local.n8n.runManually(id, 'Run it').then(
		(result) => `${result.status}: ${result.error?.message ?? ''}`,
		(error: Error) => error.message,
	);
	console.log(`  a run the server starts: ${short(run, 200)}`);

	const browser = await launchChromium();
	let page;
	try {
		page = await signedInPage(browser, local.n8n, OWNER, `/workflow/${id}`);
		await page.getByTestId('execute-workflow-button').first().click();
		const toast = page.locator('.el-notification').first();
		await toast.waitFor();
		const told = (await toast.innerText()).replace(/\s+/g, ' ').trim();
		if (N8N_MAJOR === 2) {
			check(
				'"Execute workflow" is refused, and the message names the node and the Message field',
				/Ask Glean/.test(told) && /Message/.test(told),
				short(told, 200),
			);
		} else {
			// n8n 1.x's message names neither; the node's warning sign on the canvas does.
			check(
				'"Execute workflow" is refused ("The workflow has issues")',
				/workflow has issues/.test(told),
				short(told, 200),
			);
			await page.getByTestId('node-issues').first().hover();
			const issue = page.getByText('Parameter "Message" is required', { exact: false });
			await issue.first().waitFor();
			const shown = (await issue.first().innerText()).replace(/\s+/g, ' ').trim();
			check(
				"the node's warning sign names the field",
				shown.includes('Parameter "Message" is required'),
				short(shown, 120),
			);
		}
		await page.screenshot({ path: screenshot });
	} catch (error) {
		throw await withScreenshot(error, page, screenshot);
	} finally {
		await browser.close();
	}
	check('nothing reached Glean', local.glean.requestsTo('chat').length === 0);
}
