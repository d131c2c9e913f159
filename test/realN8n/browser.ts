import { existsSync } from 'node:fs';

import { type Browser, chromium, type Page, selectors } from 'playwright-core';

import type { N8nInstance, Owner } from './n8nInstance';

/**
 * Debian's Chromium (never a downloaded browser) driven by playwright-core, signed in to the
 * real n8n editor: what the editor check and the OAuth2 sign-in check share.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`No Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH.`,
		);
	}
	selectors.setTestIdAttribute('data-test-id');
	return await chromium.launch({
		executablePath: CHROMIUM,
		// No first-run pages or calls to Google's services (CI and this machine may have no internet).
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

/** A page of n8n's editor at `path`, after signing in as `owner` on n8n's sign-in form. */
export async function signedInPage(
	browser: Browser,
	n8n: N8nInstance,
	owner: Owner,
	path: string,
): Promise<Page> {
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	page.setDefaultTimeout(30_000);
	// Signing in with a redirect opens the page in the same page load.
	await page.goto(`${n8n.baseUrl}/signin?redirect=${encodeURIComponent(path)}`);
	await page.getByTestId('emailOrLdapLoginId').locator('input').fill(owner.email);
	await page.getByTestId('password').locator('input').fill(owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => url.pathname === path);
	return page;
}

/** How long each step of a browser check took, for the log: `mark('signed in')` after each. */
export function stepTimer(): { mark: (step: string) => void; timings: string[] } {
	let last = Date.now();
	const timings: string[] = [];
	return {
		timings,
		mark: (step) => {
			timings.push(`${step} ${((Date.now() - last) / 1000).toFixed(1)} s`);
			last = Date.now();
		},
	};
}

/** `error` with a screenshot of the page where it happened, saved beside `screenshot`. */
export async function withScreenshot(
	error: unknown,
	page: Page | undefined,
	screenshot: string,
): Promise<Error> {
	const failure = `${screenshot.replace(/\.png$/, '')}-failure.png`;
	await page?.screenshot({ path: failure }).catch(() => undefined);
	return new Error(`${(error as Error).message}\n(screenshot of the page: ${failure})`);
}
