import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { baseUrlProblem, normalizeBaseUrl } from './baseUrl';
import { BASE_URL_HINT } from './setupHints';
import { operationError } from './nodeErrors';

/** Reading the item's Glean credential, and refusing one that cannot work before any request. */

/** The credential of Authentication "API Token" (and of workflows saved before it existed). */
export const API_TOKEN_CREDENTIAL = 'gleanChatApi';

/** The credential of Authentication "OAuth2" (interface.md, second round). */
export const SIGN_IN_CREDENTIAL = 'gleanChatOAuth2Api';

export type CredentialType = typeof API_TOKEN_CREDENTIAL | typeof SIGN_IN_CREDENTIAL;

/**
 * The credential type the node's Authentication chooses: `gleanChatApi` for `apiToken` and for
 * workflows saved before the parameter existed, `gleanChatOAuth2Api` for `oAuth2`.
 */
export function credentialTypeOf(context: IExecuteFunctions): CredentialType {
	// Read once per node run: every call of every item asks, and n8n resolves the parameter anew each time.
	let type = typeByRun.get(context);
	if (type === undefined) {
		const authentication = context.getNodeParameter('authentication', 0, 'apiToken');
		type = authentication === 'oAuth2' ? SIGN_IN_CREDENTIAL : API_TOKEN_CREDENTIAL;
		typeByRun.set(context, type);
	}
	return type;
}

const typeByRun = new WeakMap<IExecuteFunctions, CredentialType>();

/** What a call needs of the credential: the API host, who calls, and the user Glean counts limits for. */
export interface CheckedCredential {
	type: CredentialType;
	/** Normalised: `https://acme-be.glean.com`, without `/rest/api/v1`. */
	baseUrl: string;
	/** Who calls Glean, to tell paces apart: the API token, or the OAuth2 credential's ID (its token changes). */
	caller: string;
	/**
	 * What never appears in output: the API token; the OAuth2 access and refresh tokens and
	 * client secret. The node run's one list (`remembered`): it grows when n8n refreshes the tokens.
	 */
	secrets: string[];
	/** The OAuth2 access token as read for this call ('' for an API token), to tell whether another item has refreshed it since. */
	accessToken: string;
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
	const type = credentialTypeOf(this);
	const credentials = await itemCredentials.call(this, itemIndex);
	const node = this.getNode();
	const rawBaseUrl = String(credentials.baseUrl ?? '').trim();
	const named = type === SIGN_IN_CREDENTIAL ? 'Glean Chat OAuth2 API' : 'Glean Chat API';
	if (rawBaseUrl === '') {
		throw operationError(node, `Item ${itemIndex}: the ${named} credential has no Base URL`, {
			itemIndex,
			description: `Open the credential and fill "Base URL". ${BASE_URL_HINT} Nothing was sent to Glean.`,
		});
	}
	const baseUrl = normalizeBaseUrl(rawBaseUrl);
	const problem = baseUrlProblem(baseUrl);
	if (problem !== undefined) {
		// Quoted without any user name and password it may hold.
		const shown = rawBaseUrl.replace(/\/\/[^/@]*@/, '//…@');
		throw operationError(
			node,
			`Item ${itemIndex}: the credential's Base URL "${shown}" cannot be used: ${problem}`,
			{
				itemIndex,
				description: `${BASE_URL_HINT} Nothing was sent to Glean.`,
			},
		);
	}
	if (type === SIGN_IN_CREDENTIAL) return oAuth2Credential(this, itemIndex, baseUrl, credentials);
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
	const token = String(credentials.apiToken ?? '');
	const secrets = remembered(this, [token]);
	return { type, baseUrl, caller: token, secrets, accessToken: '', user: actAs || credentialActAs };
}

/**
 * The signed-in user's credential: connected, and never with an Act As (Glean takes Act As from
 * global tokens only; the node hides the option for OAuth2 and the transport sends none).
 * @throws NodeOperationError when nobody has signed in yet (n8n's own error names no field).
 */
function oAuth2Credential(
	context: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
	credentials: ICredentialDataDecryptedObject,
): CheckedCredential {
	const secrets = remembered(context, oAuth2Secrets(credentials));
	const tokenData = credentials.oauthTokenData as IDataObject | undefined;
	if (typeof tokenData?.access_token !== 'string' || tokenData.access_token === '') {
		throw operationError(
			context.getNode(),
			`Item ${itemIndex}: the Glean Chat OAuth2 API credential is not connected`,
			{
				itemIndex,
				description:
					'Open the credential and click "Connect my account" to sign in to Glean, then run again. Nothing was sent to Glean.',
			},
		);
	}
	const id = context.getNode().credentials?.[SIGN_IN_CREDENTIAL]?.id;
	const caller = `oauth2:${id ?? tokenData.access_token}`;
	const accessToken = tokenData.access_token;
	return { type: SIGN_IN_CREDENTIAL, baseUrl, caller, secrets, accessToken, user: '' };
}

function oAuth2Secrets(credentials: ICredentialDataDecryptedObject): string[] {
	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	return [tokenData.access_token, tokenData.refresh_token, credentials.clientSecret].filter(
		(secret): secret is string => typeof secret === 'string' && secret.trim() !== '',
	);
}

function checkedActAs(
	context: IExecuteFunctions,
	itemIndex: number,
	value: string,
	{ field, where, fix }: { field: string; where: string; fix: string },
): string {
	const actAs = value.trim();
	if (actAs === '' || isEmailAddress(actAs)) return actAs;
	throw operationError(context.getNode(), `Item ${itemIndex}: ${field} is not an e-mail address`, {
		itemIndex,
		description: `Glean acts for a user named by e-mail, e.g. name@example.com; ${where} has "${actAs}". ${fix} Nothing was sent to Glean.`,
	});
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
		byItem.set(itemIndex, (credentials = this.getCredentials(credentialTypeOf(this), itemIndex)));
	return await credentials;
}

/**
 * Forgets the credential read for this node run's items: after n8n refreshed the OAuth2 access
 * token, the next read has the new one (to redact).
 */
export function forgetItemCredentials(context: IExecuteFunctions): void {
	credentialsByRun.delete(context);
}

/**
 * Every secret the node run's credential has had, to redact what users see: one list per run,
 * shared by all who redact, so a token n8n's refresh issues later is hidden from them too.
 * Empty when the item has no usable credential (nothing was sent with one).
 */
export async function itemSecrets(this: IExecuteFunctions, itemIndex: number): Promise<string[]> {
	try {
		const credentials = await itemCredentials.call(this, itemIndex);
		const current =
			credentialTypeOf(this) === SIGN_IN_CREDENTIAL
				? oAuth2Secrets(credentials)
				: [String(credentials.apiToken ?? '')];
		return remembered(this, current);
	} catch {
		return remembered(this, []);
	}
}

/** The OAuth2 access token stored now (read anew), or '' when there is none. */
export async function storedAccessToken(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<string> {
	forgetItemCredentials(this);
	const credentials = await itemCredentials.call(this, itemIndex);
	remembered(this, oAuth2Secrets(credentials));
	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	return typeof tokenData.access_token === 'string' ? tokenData.access_token : '';
}

const secretsByRun = new WeakMap<IExecuteFunctions, string[]>();

/** The run's list of secrets with `secrets` added (the same array each time; it only grows). */
function remembered(context: IExecuteFunctions, secrets: string[]): string[] {
	let all = secretsByRun.get(context);
	if (!all) secretsByRun.set(context, (all = []));
	for (const secret of secrets) if (secret.trim() !== '' && !all.includes(secret)) all.push(secret);
	return all;
}
