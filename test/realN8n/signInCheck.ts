import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import type { Page } from 'playwright-core';

import { launchChromium, signedInPage, stepTimer, withScreenshot } from './browser';
import type { ExampleWorkflow } from './localN8n';
import type { N8nInstance, Owner } from './n8nInstance';

/**
 * "Sign in with Glean" as a user does it in the real n8n (issue 16): open the Glean Chat OAuth2
 * API credential, read the redirect URL n8n shows, click Connect, follow the popup through the
 * emulator's /oauth/authorize back to n8n's callback, and see the credential connected.
 */

export interface SignInReport {
	/** The OAuth Redirect URL the dialog shows (what a Glean admin registers). */
	redirectShown: string;
	/** The dialog said "Account connected" after the popup closed. */
	connected: boolean;
	screenshot: string;
	timings: string[];
}

export async function connectInBrowser(
	n8n: N8nInstance,
	owner: Owner,
	credentialId: string,
	screenshot: string,
): Promise<SignInReport> {
	const browser = await launchChromium();
	const { mark, timings } = stepTimer();
	let page: Page | undefined;
	try {
		// n8n opens a credential's dialog at its own address.
		page = await signedInPage(browser, n8n, owner, `/home/credentials/${credentialId}`);
		await page.getByTestId('oauth-not-connected-banner').waitFor();
		mark('dialog open');
		const redirectShown = (await page.getByTestId('copy-input').first().innerText()).trim();
		const popupOpened = page.waitForEvent('popup');
		await page
			.getByTestId('oauth-not-connected-banner')
			.getByRole('button', { name: 'Connect', exact: true })
			.click();
		const popup = await popupOpened;
		// Glean's sign-in page (the emulator approves at once), then n8n's callback, which closes it.
		await popup.waitForEvent('close', { timeout: 30_000 });
		mark('signed in to Glean in the popup');
		const connected = await page
			.getByTestId('oauth-connect-success-banner')
			.waitFor({ timeout: 15_000 })
			.then(() => true)
			.catch(() => false);
		mark('connected');
		mkdirSync(dirname(screenshot), { recursive: true });
		await page.getByTestId('editCredential-modal').screenshot({ path: screenshot });
		return { redirectShown, connected, screenshot, timings };
	} catch (error) {
		throw await withScreenshot(error, page, screenshot);
	} finally {
		await browser.close();
	}
}

/**
 * An example workflow with its Glean Chat nodes switched to the OAuth2 credential, as a user
 * does by choosing Authentication "OAuth2" and the connected credential.
 */
export function signedInVariant(
	example: ExampleWorkflow,
	credential: { id: string; name: string },
): ExampleWorkflow {
	const { pinData: _pinData, ...workflow } = structuredClone(example);
	workflow.name = `${example.name} (signed in with Glean)`;
	for (const node of workflow.nodes) {
		if (!node.type.startsWith('n8n-nodes-glean-chat.')) continue;
		node.parameters.authentication = 'oAuth2';
		node.credentials = { gleanChatOAuth2Api: credential };
	}
	return workflow;
}
