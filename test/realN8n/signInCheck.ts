import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import type { Page } from 'playwright-core';

import { launchChromium, signedInPage, stepTimer, withScreenshot } from './browser';
import type { ExampleWorkflow, ImportedExample, LocalN8n } from './localN8n';
import { GLEAN_OAUTH2_CREDENTIAL, OAUTH_CLIENT_ID, OWNER } from './localN8n';
import { N8N_MAJOR } from './n8nInstall';
import type { N8nInstance, Owner } from './n8nInstance';
import { check, itemsOf, type Json, short } from './report';

/**
 * "Sign in with Glean" as a user does it in the real n8n (issue 16): open the Glean Chat OAuth2
 * API credential, read the redirect URL n8n shows, click Connect, follow the popup through the
 * emulator's /oauth/authorize back to n8n's callback, and see the credential connected; then
 * run an example with it, again once the access token expired, and once the sign-in is revoked.
 */

/**
 * The checks of `npm run test:n8n`'s sign-in section, against `weekly` (the weekly report
 * example) switched to the OAuth2 credential. `resetGlean` empties the emulator's record.
 */
export async function checkSignIn(
	local: LocalN8n,
	weekly: ImportedExample,
	options: { resetGlean: () => void; screenshot: string; saveTo?: string },
): Promise<void> {
	const { glean, n8n, oAuth2CredentialId } = local;
	const grants = () => glean.oauth.tokenRequests.map((fields) => fields.grant_type);
	const report = await connectInBrowser(n8n, OWNER, oAuth2CredentialId, options.screenshot);
	const callback = `${n8n.baseUrl}/rest/oauth2-credential/callback`;
	check(
		'the dialog shows the redirect URL registered in Glean',
		report.redirectShown === callback,
		report.redirectShown,
	);
	const [exchange] = glean.oauth.tokenRequests;
	check(
		'n8n exchanged the code with its PKCE verifier, as a public client',
		grants().join() === 'authorization_code' &&
			exchange.client_id === OAUTH_CLIENT_ID &&
			(exchange.code_verifier ?? '').length >= 43 &&
			exchange.client_secret === undefined,
		grants().join(),
	);
	check('the dialog says "Account connected"', report.connected);
	// What n8n stored: the tokens (which it shows only as set) beside what the user entered.
	const stored = await n8n.rest<{ data: Json }>(
		'GET',
		`/rest/credentials/${oAuth2CredentialId}?includeData=true`,
	);
	check(
		'n8n stored the sign-in in the credential',
		Boolean(stored.data.oauthTokenData) && stored.data.clientId === OAUTH_CLIENT_ID,
	);
	console.log(`  steps: ${report.timings.join(', ')}`);
	if (options.saveTo) {
		copyFileSync(report.screenshot, options.saveTo);
		console.log(`  screenshot saved to ${options.saveTo}`);
	}

	const workflow = await n8n.createWorkflow(
		signedInVariant(weekly.workflow, { id: oAuth2CredentialId, name: GLEAN_OAUTH2_CREDENTIAL }),
	);
	const run = async () => {
		options.resetGlean();
		return await n8n.runManually(workflow.id, 'Every Monday at 9', undefined, 'Ask Glean');
	};
	const first = await run();
	const [answer] = itemsOf(first, 'Ask Glean');
	const [asked] = glean.requestsTo('chat');
	check(
		`${weekly.file} with the OAuth2 credential: answered`,
		first.status === 'success' && String(answer?.answer ?? '').length > 0,
		first.error?.message ?? short(answer?.answer),
	);
	check(
		"Glean got the signed-in user's access token, not the API token",
		/^Bearer glean-access-/.test(String(asked?.headers.authorization)),
	);

	glean.oauth.expireAccessTokens();
	const before = grants().length;
	const second = await run();
	const statuses = glean.requestsTo('chat').map((request) => request.status);
	check(
		'an expired access token: n8n refreshed it once and the run succeeded',
		second.status === 'success' &&
			grants().slice(before).join() === 'refresh_token' &&
			statuses.join() === '401,200',
		`${second.status}; grants ${grants().slice(before).join()}; chat ${statuses.join()} ${second.error?.message ?? ''}`,
	);

	glean.oauth.expireAccessTokens();
	glean.oauth.revokeRefreshTokens();
	const revoked = await run();
	const error = `${revoked.error?.message ?? ''} ${revoked.error?.description ?? ''}`;
	check(
		'a revoked sign-in: the run fails and says to reconnect the credential',
		revoked.status === 'error' && /Reconnect/.test(error) && !/glean-(access|refresh)-/.test(error),
		short(error, 200),
	);
}

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
		// n8n 2.x: a "not connected" banner with a Connect button; 1.x: a "Connect my account" button.
		const connect =
			N8N_MAJOR === 2
				? page
						.getByTestId('oauth-not-connected-banner')
						.getByRole('button', { name: 'Connect', exact: true })
				: page.getByTestId('oauth-connect-button');
		await connect.waitFor();
		mark('dialog open');
		const redirectShown = (await page.getByTestId('copy-input').first().innerText()).trim();
		const popupOpened = page.waitForEvent('popup');
		await connect.click();
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
