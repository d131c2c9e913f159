import { randomBytes } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { GleanEmulator } from '../emulator/gleanEmulator';
import { s256 } from '../emulator/oauthServer';

/** The redirect URI n8n shows in the credential dialog (its OAuth2 callback). */
export const N8N_CALLBACK = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

/**
 * A Glean Chat OAuth2 API credential as n8n stores it after "Connect my account": the sign-in
 * done the way n8n's OAuth2 flow does it (authorize with PKCE S256, then the code for tokens
 * at /oauth/token), and the token response kept as `oauthTokenData`.
 */
export async function signedInCredential(
	glean: GleanEmulator,
	{
		clientId = 'n8n-public',
		clientSecret,
		scope = 'chat offline_access',
	}: { clientId?: string; clientSecret?: string; scope?: string } = {},
): Promise<ICredentialDataDecryptedObject> {
	glean.oauth.clients.set(clientId, { clientId, clientSecret, redirectUris: [N8N_CALLBACK] });
	const verifier = randomBytes(32).toString('base64url');
	const authorize = new URL('/oauth/authorize', glean.baseUrl);
	for (const [key, value] of Object.entries({
		response_type: 'code',
		client_id: clientId,
		redirect_uri: N8N_CALLBACK,
		scope,
		state: 'state',
		code_challenge: s256(verifier),
		code_challenge_method: 'S256',
	}))
		authorize.searchParams.set(key, value);
	const approved = await fetch(authorize, { redirect: 'manual' });
	const code = new URL(approved.headers.get('location') ?? '').searchParams.get('code');
	if (!code) throw new Error(`The emulator did not approve the sign-in (${approved.status})`);
	const fields: Record<string, string> = {
		grant_type: 'authorization_code',
		code,
		redirect_uri: N8N_CALLBACK,
		code_verifier: verifier,
		client_id: clientId,
	};
	if (clientSecret !== undefined) fields.client_secret = clientSecret;
	const tokens = await fetch(new URL('/oauth/token', glean.baseUrl), {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields).toString(),
	});
	if (!tokens.ok) throw new Error(`The emulator refused the code (${tokens.status})`);
	return {
		baseUrl: glean.baseUrl,
		clientId,
		...(clientSecret !== undefined ? { clientSecret } : {}),
		scope,
		oauthTokenData: (await tokens.json()) as ICredentialDataDecryptedObject,
	};
}
