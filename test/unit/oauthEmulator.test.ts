import { GleanEmulator } from '../emulator/gleanEmulator';
import { s256 } from '../emulator/oauthServer';

/**
 * The emulator's OAuth server (issue 16), over real HTTP: what a Glean Chat OAuth2 credential
 * will meet, checked the way an OAuth client uses it.
 */

let glean: GleanEmulator;
beforeAll(async () => {
	glean = await GleanEmulator.start({ token: 'api-token' });
	glean.oauth.clients.set('n8n-public', {
		clientId: 'n8n-public',
		redirectUris: ['http://127.0.0.1:5678/rest/oauth2-credential/callback'],
	});
	glean.oauth.clients.set('n8n-confidential', {
		clientId: 'n8n-confidential',
		clientSecret: 's3cret',
		redirectUris: ['http://127.0.0.1:5678/rest/oauth2-credential/callback'],
	});
});
afterAll(async () => await glean.stop());

const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
const VERIFIER = 'a-verifier-of-enough-length-0123456789-abcdefghijklmnop';

async function authorize(query: Record<string, string>): Promise<Response> {
	const url = new URL('/oauth/authorize', glean.baseUrl);
	for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
	return await fetch(url, { redirect: 'manual' });
}

async function tokenRequest(
	fields: Record<string, string>,
	headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, string> }> {
	const response = await fetch(new URL('/oauth/token', glean.baseUrl), {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
		body: new URLSearchParams(fields).toString(),
	});
	return { status: response.status, json: (await response.json()) as Record<string, string> };
}

async function codeFor(clientId: string, scope = 'chat offline_access'): Promise<string> {
	const response = await authorize({
		response_type: 'code',
		client_id: clientId,
		redirect_uri: REDIRECT,
		code_challenge: s256(VERIFIER),
		code_challenge_method: 'S256',
		state: 'xyz',
		scope,
	});
	expect(response.status).toBe(302);
	const back = new URL(response.headers.get('location')!);
	expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
	expect(back.searchParams.get('state')).toBe('xyz');
	return back.searchParams.get('code')!;
}

const listChats = async (accessToken: string) =>
	await fetch(new URL('/rest/api/v1/listchats', glean.baseUrl), {
		method: 'POST',
		headers: { Authorization: `Bearer ${accessToken}` },
	});

test('metadata names the endpoints, PKCE S256 and the scopes', async () => {
	const response = await fetch(new URL('/.well-known/oauth-authorization-server', glean.baseUrl));
	const metadata = (await response.json()) as Record<string, unknown>;
	expect(metadata).toMatchObject({
		authorization_endpoint: `${glean.baseUrl}/oauth/authorize`,
		token_endpoint: `${glean.baseUrl}/oauth/token`,
		code_challenge_methods_supported: ['S256'],
	});
	expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['chat', 'offline_access']));
});

test('code with PKCE → access and refresh tokens; the API takes the access token; a refresh rotates', async () => {
	const code = await codeFor('n8n-public');
	const common = { client_id: 'n8n-public', redirect_uri: REDIRECT };
	const wrong = await tokenRequest({
		...common,
		grant_type: 'authorization_code',
		code,
		code_verifier: 'not-the-verifier',
	});
	expect(wrong).toEqual({ status: 400, json: { error: 'invalid_grant' } });
	// A code is spent once tried, even by a wrong verifier.
	const again = await tokenRequest({
		...common,
		grant_type: 'authorization_code',
		code,
		code_verifier: VERIFIER,
	});
	expect(again.status).toBe(400);

	const issued = await tokenRequest({
		...common,
		grant_type: 'authorization_code',
		code: await codeFor('n8n-public'),
		code_verifier: VERIFIER,
	});
	expect(issued.status).toBe(200);
	expect(issued.json).toMatchObject({ token_type: 'Bearer', scope: 'chat offline_access' });
	expect((await listChats(issued.json.access_token)).status).toBe(200);

	glean.oauth.expireAccessTokens();
	expect((await listChats(issued.json.access_token)).status).toBe(401);
	const refreshed = await tokenRequest({
		grant_type: 'refresh_token',
		refresh_token: issued.json.refresh_token,
		client_id: 'n8n-public',
	});
	expect(refreshed.status).toBe(200);
	expect((await listChats(refreshed.json.access_token)).status).toBe(200);
	const reused = await tokenRequest({
		grant_type: 'refresh_token',
		refresh_token: issued.json.refresh_token,
		client_id: 'n8n-public',
	});
	expect(reused).toEqual({ status: 400, json: { error: 'invalid_grant' } });
});

test('no offline_access, no refresh token', async () => {
	const issued = await tokenRequest({
		grant_type: 'authorization_code',
		client_id: 'n8n-public',
		redirect_uri: REDIRECT,
		code: await codeFor('n8n-public', 'chat'),
		code_verifier: VERIFIER,
	});
	expect(issued.json.refresh_token).toBeUndefined();
});

test('a confidential client must send its secret (Basic or in the body)', async () => {
	const fields = {
		grant_type: 'authorization_code',
		redirect_uri: REDIRECT,
		code_verifier: VERIFIER,
	};
	const without = await tokenRequest({
		...fields,
		client_id: 'n8n-confidential',
		code: await codeFor('n8n-confidential'),
	});
	expect(without).toEqual({ status: 401, json: { error: 'invalid_client' } });
	const basic = await tokenRequest(
		{ ...fields, code: await codeFor('n8n-confidential') },
		{ Authorization: `Basic ${Buffer.from('n8n-confidential:s3cret').toString('base64')}` },
	);
	expect(basic.status).toBe(200);
	const post = await tokenRequest({
		...fields,
		client_id: 'n8n-confidential',
		client_secret: 's3cret',
		code: await codeFor('n8n-confidential'),
	});
	expect(post.status).toBe(200);
});

test('authorize never redirects to an unregistered URI, and refuses a request without PKCE', async () => {
	const elsewhere = await authorize({
		response_type: 'code',
		client_id: 'n8n-public',
		redirect_uri: 'https://attacker.example/callback',
		code_challenge: s256(VERIFIER),
		code_challenge_method: 'S256',
	});
	expect(elsewhere.status).toBe(400);
	expect(elsewhere.headers.get('location')).toBeNull();
	const plain = await authorize({
		response_type: 'code',
		client_id: 'n8n-public',
		redirect_uri: REDIRECT,
	});
	expect(plain.status).toBe(302);
	expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
});
