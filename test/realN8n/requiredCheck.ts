import { launchChromium, signedInPage, withScreenshot } from './browser';
import type { LocalN8n } from './localN8n';
import { OWNER } from './localN8n';
import { N8N_MAJOR } from './n8nInstall';
import { check, short } from './report';

/**
 * A Glean Chat node whose Message is left empty, as a user would leave it: n8n itself refuses
 * the workflow before the node runs (a required parameter), and nothing reaches Glean. n8n 2.x
 * names the node and the field in what it says; n8n 1.x says only that the workflow has
 * issues, and the warning sign on the node names the field.
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

	// What a run the server starts ends with (a trigger's, or the REST API's, as here).
	const run = await local.n8n.runManually(id, 'Run it').then(
		(result) => `${result.status}: ${result.error?.message ?? ''}`,
		(error: Error) => error.message,
	);
	if (N8N_MAJOR === 2) {
		check(
			'a run the server starts fails, naming the node and the Message field',
			run.startsWith('error: ') && /'Ask Glean' node has issues/.test(run) && /"Message"/.test(run),
			short(run, 160),
		);
	} else {
		// n8n 1.x refuses it with the same words as the editor's button, naming neither.
		check(
			'a run the server starts is refused ("The workflow has issues")',
			/The workflow has issues and cannot be executed/.test(run),
			short(run, 160),
		);
	}

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
