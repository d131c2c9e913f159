import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { baseUrlProblem, normalizeBaseUrl } from './baseUrl';
import { BASE_URL_HINT } from './setupHints';

/** Reading the item's Glean Chat API credential, and refusing one that cannot work before any request. */

export const CREDENTIAL_TYPE = 'gleanChatApi';

/** What a call needs of the credential: the API host, the token, and the user Glean counts limits for. */
export interface CheckedCredential {
	/** Normalised: `https://acme-be.glean.com`, without `/rest/api/v1`. */
	baseUrl: string;
	token: string;
	/** The Act As user (the call's, else the credential's), or '' for the token's own user. */
	user: string;
}

/**
 * The credential's Base URL, token and Act As user, with the call's Act As.
 * @throws NodeOperationError naming the item, the field and the fix, when the Base URL is empty
 * or unusable (see baseUrlProblem) or an Act As is not an e-mail address; nothing is sent then.
 */
export async function checkedCredential(
	this: IExecuteFunctions,
	callActAs: string | undefined,
	itemIndex: number,
): Promise<CheckedCredential> {
	const credentials = await itemCredentials.call(this, itemIndex);
	const node = this.getNode();
	const rawBaseUrl = String(credentials.baseUrl ?? '').trim();
	if (rawBaseUrl === '') {
		throw new NodeOperationError(
			node,
			`Item ${itemIndex}: the Glean Chat API credential has no Base URL`,
			{
				itemIndex,
				description: `Open the credential and fill "Base URL". ${BASE_URL_HINT} Nothing was sent to Glean.`,
			},
		);
	}
	const baseUrl = normalizeBaseUrl(rawBaseUrl);
	const problem = baseUrlProblem(baseUrl);
	if (problem !== undefined) {
		// Quoted without any user name and password it may hold.
		const shown = rawBaseUrl.replace(/\/\/[^/@]*@/, '//…@');
		throw new NodeOperationError(
			node,
			`Item ${itemIndex}: the credential's Base URL "${shown}" cannot be used: ${problem}`,
			{
				itemIndex,
				description: `${BASE_URL_HINT} Nothing was sent to Glean.`,
			},
		);
	}
	const credentialActAs = checkedActAs(this, itemIndex, String(credentials.actAs ?? ''), {
		field: `the credential's "Act As"`,
		where: 'the credential',
		fix: 'Fix it or leave it empty.',
	});
	const actAs = checkedActAs(this, itemIndex, callActAs ?? '', {
		field: 'the "Act As" option',
		where: 'this item',
		fix: 'Fix the option (or its expression) or remove it.',
	});
	// Glean's rate limits count per user: the Act As user when there is one.
	return { baseUrl, token: String(credentials.apiToken ?? ''), user: actAs || credentialActAs };
}

function checkedActAs(
	context: IExecuteFunctions,
	itemIndex: number,
	value: string,
	{ field, where, fix }: { field: string; where: string; fix: string },
): string {
	const actAs = value.trim();
	if (actAs === '' || isEmailAddress(actAs)) return actAs;
	throw new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex}: ${field} is not an e-mail address`,
		{
			itemIndex,
			description: `Glean acts for a user named by e-mail, e.g. name@example.com; ${where} has "${actAs}". ${fix} Nothing was sent to Glean.`,
		},
	);
}

export function isEmailAddress(text: string): boolean {
	return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
}

const credentialsByRun = new WeakMap<
	IExecuteFunctions,
	Map<number, Promise<ICredentialDataDecryptedObject>>
>();

/**
 * The item's credential, read once per item of a node run: the transport, the operation and
 * the router all need it, and in n8n every read decrypts it again.
 */
async function itemCredentials(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<ICredentialDataDecryptedObject> {
	let byItem = credentialsByRun.get(this);
	if (!byItem) credentialsByRun.set(this, (byItem = new Map()));
	let credentials = byItem.get(itemIndex);
	if (!credentials)
		byItem.set(itemIndex, (credentials = this.getCredentials(CREDENTIAL_TYPE, itemIndex)));
	return await credentials;
}

/** The API token of the item's credential ('' when there is none), to redact what users see. */
export async function itemToken(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	try {
		const credentials = await itemCredentials.call(this, itemIndex);
		return String(credentials.apiToken ?? '');
	} catch {
		// No usable credential: nothing was sent with one, so there is nothing to hide.
		return '';
	}
}
