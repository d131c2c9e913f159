import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { GleanEmulator } from '../emulator/gleanEmulator';
import { loadPackage, withCredentialDefaults } from '../harness/n8nHarness';

/**
 * "Test credential" in the editor: n8n resolves the test request's expressions against the
 * credential, applies the credential's own authenticate, and sends it. Done here the same way,
 * with the credential class the package loader loaded from dist/.
 */
async function testCredential(data: ICredentialDataDecryptedObject): Promise<Response> {
	const { credentialType, nodeTypes } = await loadPackage();
	const credentials = withCredentialDefaults(credentialType, data);
	const node: INode = {
		id: 'c',
		name: 'Credential test',
		type: 'n8n-nodes-glean-chat.gleanChat',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const request = credentialType.test!.request;
	const baseURL = workflow.expression.getSimpleParameterValue(
		node,
		request.baseURL as string,
		'internal',
		{ $credentials: credentials } as never,
	) as string;
	const authenticate = credentialType.authenticate as (
		credentials: ICredentialDataDecryptedObject,
		options: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;
	const options = await authenticate(credentials, {
		url: request.url as string,
		method: request.method,
		headers: {},
	});
	return await fetch(`${baseURL}${options.url}`, {
		method: options.method,
		headers: options.headers as Record<string, string>,
	});
}

let glean: GleanEmulator;
beforeAll(async () => {
	glean = await GleanEmulator.start({ token: 'cred-token' });
});
afterAll(async () => await glean.stop());
beforeEach(() => glean.reset());
afterEach(() => expect(glean.violations).toEqual([]));

test('the test request makes one cheap authenticated call that Glean accepts', async () => {
	const response = await testCredential({
		baseUrl: `${glean.baseUrl}/rest/api/v1/`,
		apiToken: 'cred-token',
	});
	expect(response.status).toBe(200);
	expect(glean.requests).toHaveLength(1);
	expect(glean.requests[0]).toMatchObject({ method: 'POST', path: '/rest/api/v1/listchats' });
	expect(glean.requests[0].headers.authorization).toBe('Bearer cred-token');
	expect(glean.requests[0].rawBody.length).toBe(0);
});

test('a wrong token fails the test with Glean’s 401', async () => {
	const response = await testCredential({ baseUrl: glean.baseUrl, apiToken: 'nope' });
	expect(response.status).toBe(401);
	expect(await response.text()).toBe('Invalid Secret\nNot allowed');
});

test('a global token passes the test only with Act As', async () => {
	glean.requireActAs = true;
	expect((await testCredential({ baseUrl: glean.baseUrl, apiToken: 'cred-token' })).status).toBe(
		400,
	);
	const response = await testCredential({
		baseUrl: glean.baseUrl,
		apiToken: 'cred-token',
		actAs: 'admin@example.com',
	});
	expect(response.status).toBe(200);
	expect(glean.requests[1].headers['x-glean-actas']).toBe('admin@example.com');
});

test('a Base URL that would send the token in plain text gets no token: the test fails before any request', async () => {
	await expect(
		testCredential({ baseUrl: 'http://acme-be.glean.invalid', apiToken: 'cred-token' }),
	).rejects.toThrow(
		'The Base URL cannot be used: it uses plain http, which would send the API token unencrypted; only localhost and 127.0.0.1 may use http. The API token was not sent.',
	);
	await expect(
		testCredential({ baseUrl: `${glean.baseUrl}/search`, apiToken: 'cred-token' }),
	).rejects.toThrow(/it has the path "\/search"/);
	expect(glean.requests).toEqual([]);
});
