import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { gleanTestSetup } from '../harness/gleanTestSetup';
import { useVirtualRetryClock } from '../harness/virtualClock';
import {
	loadPackage,
	OAUTH2_CREDENTIAL_TYPE,
	runGleanNode,
	withCredentialDefaults,
} from '../harness/n8nHarness';
import { operationCases, QUESTION } from '../harness/operationCases';
import { signedInCredential } from '../harness/signIn';

/**
 * The Glean Chat OAuth2 API credential (issue 16) in n8n-core's engine: every operation signed
 * in through the emulator's OAuth server, the access token refreshed once through n8n-core's
 * own OAuth2 code when Glean refuses it, and clear errors when the sign-in cannot be renewed.
 */

const API_TOKEN = 'unused-api-token';
const setup = gleanTestSetup(API_TOKEN);
const OAUTH2: INodeParameters = { authentication: 'oAuth2' };
const sendMessage: INodeParameters = {
	...OAUTH2,
	resource: 'chat',
	operation: 'sendMessage',
	message: QUESTION,
	stream: false,
};

afterEach(() => {
	setup.glean.oauth.accessTokenMillis = 60 * 60_000;
});

type TokenData = { access_token?: string; refresh_token?: string } | undefined;
const accessTokenOf = (credentials: ICredentialDataDecryptedObject) =>
	(credentials.oauthTokenData as TokenData)?.access_token ?? '';
const refreshTokenOf = (credentials: ICredentialDataDecryptedObject) =>
	(credentials.oauthTokenData as TokenData)?.refresh_token ?? '';

/** The token requests the emulator gets from now on, by grant type. */
function tokenRequestsFromNow(): () => string[] {
	const start = setup.glean.oauth.tokenRequests.length;
	return () => setup.glean.oauth.tokenRequests.slice(start).map((fields) => fields.grant_type);
}

describe('every operation with the OAuth2 credential', () => {
	test.each(operationCases.map((operation) => [operation.name, operation] as const))(
		'%s: signed with the access token, no Act As, normal result',
		async (_name, operation) => {
			const credentials = await signedInCredential(setup.glean);
			operation.setup?.(setup.glean);
			const { items, error } = await runGleanNode({
				parameters: {
					...OAUTH2,
					...operation.parameters,
					options: { ...(operation.parameters.options as object), actAs: 'ann@example.com' },
				},
				items: operation.items,
				credentials,
			});
			expect(error).toBeUndefined();
			operation.expectSuccess(items);
			const [request] = setup.glean.requestsTo(operation.endpoint);
			expect(request.headers.authorization).toBe(`Bearer ${accessTokenOf(credentials)}`);
			// The option is hidden for OAuth2; one saved before switching is not sent.
			expect(request.headers['x-glean-actas']).toBeUndefined();
			expect(JSON.stringify(items)).not.toContain(accessTokenOf(credentials));
		},
	);
});

describe('an expired access token', () => {
	test.each(operationCases.map((operation) => [operation.name, operation] as const))(
		'%s: n8n refreshes it once, the request is sent again and succeeds',
		async (_name, operation) => {
			const credentials = await signedInCredential(setup.glean);
			const oldAccess = accessTokenOf(credentials);
			const oldRefresh = refreshTokenOf(credentials);
			operation.setup?.(setup.glean);
			setup.glean.oauth.expireAccessTokens();
			const grants = tokenRequestsFromNow();
			const { items, error } = await runGleanNode({
				parameters: { ...OAUTH2, ...operation.parameters },
				items: operation.items,
				credentials,
			});
			expect(error).toBeUndefined();
			operation.expectSuccess(items);
			expect(grants()).toEqual(['refresh_token']);
			const tries = setup.glean.requestsTo(operation.endpoint);
			expect(tries.map((request) => request.status)).toEqual([401, 200]);
			// n8n stored the new tokens in the credential (the refresh token rotated).
			expect(accessTokenOf(credentials)).not.toBe(oldAccess);
			expect(refreshTokenOf(credentials)).not.toBe(oldRefresh);
			expect(tries[1].headers.authorization).toBe(`Bearer ${accessTokenOf(credentials)}`);
		},
	);

	test('the next run uses the refreshed token without refreshing again', async () => {
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		await runGleanNode({ parameters: sendMessage, credentials });
		const grants = tokenRequestsFromNow();
		const { error } = await runGleanNode({ parameters: sendMessage, credentials });
		expect(error).toBeUndefined();
		expect(grants()).toEqual([]);
	});

	test('items in parallel: every one succeeds, and no refresh spends a refresh token twice', async () => {
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		const grants = tokenRequestsFromNow();
		const { items, error } = await runGleanNode({
			parameters: { ...sendMessage, message: '={{ $json.q }}', options: { concurrency: 4 } },
			items: [1, 2, 3, 4].map((n) => ({ json: { q: `Question ${n}?` } })),
			credentials,
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		// n8n refreshes once for all of them: the others retry with the token it stored.
		expect(grants()).toEqual(['refresh_token']);
		expect(setup.glean.requestsTo('chat').filter((request) => request.status === 200)).toHaveLength(
			4,
		);
	});

	test('two executions at once on the same expired sign-in: one refresh, both succeed', async () => {
		// As an AI Agent's parallel tool calls, or two runs of a workflow in one n8n process:
		// separate node runs of one credential (n8n 1.x refreshes once per call, not per credential).
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		const grants = tokenRequestsFromNow();
		const runs = await Promise.all(
			['One?', 'Two?'].map(
				async (message) =>
					await runGleanNode({ parameters: { ...sendMessage, message }, credentials }),
			),
		);
		expect(runs.map((run) => run.error)).toEqual([undefined, undefined]);
		expect(runs.map((run) => run.items.length)).toEqual([1, 1]);
		expect(grants()).toEqual(['refresh_token']);
	});

	test('a 401 arriving after another item’s refresh: that item retries with the stored token, no second refresh', async () => {
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		let refusals = 0;
		// The second item's 401 comes only once the first item has refreshed and sent again.
		setup.glean.beforeRefusing = async () => {
			if (++refusals !== 2) return;
			while (setup.glean.requestsTo('chat').length < 3) await new Promise((r) => setTimeout(r, 5));
		};
		try {
			const grants = tokenRequestsFromNow();
			const { items, error } = await runGleanNode({
				parameters: { ...sendMessage, message: '={{ $json.q }}', options: { concurrency: 2 } },
				items: [{ json: { q: 'One?' } }, { json: { q: 'Two?' } }],
				credentials,
			});
			expect(error).toBeUndefined();
			expect(items).toHaveLength(2);
			expect(grants()).toEqual(['refresh_token']);
		} finally {
			setup.glean.beforeRefusing = undefined;
		}
	});

	test('a confidential client (with a secret) refreshes too', async () => {
		const credentials = await signedInCredential(setup.glean, {
			clientId: 'n8n-confidential',
			clientSecret: 'client-secret-value',
		});
		setup.glean.oauth.expireAccessTokens();
		const { error } = await runGleanNode({ parameters: sendMessage, credentials });
		expect(error).toBeUndefined();
	});
});

describe('a sign-in that cannot be renewed fails clearly, without any token', () => {
	async function failing(
		prepare: (credentials: ICredentialDataDecryptedObject) => void,
		options: { scope?: string; parameters?: INodeParameters } = {},
	) {
		const parameters = { ...sendMessage, ...options.parameters };
		const credentials = await signedInCredential(setup.glean, options);
		const secrets = [accessTokenOf(credentials), refreshTokenOf(credentials)].filter(Boolean);
		prepare(credentials);
		const logger = Container.get(Logger);
		const logged = (['error', 'warn', 'info', 'debug'] as const).map((level) =>
			jest.spyOn(logger, level),
		);
		try {
			const failed = await runGleanNode({ parameters, credentials });
			const continued = await runGleanNode({ parameters, credentials, continueOnFail: true });
			// Those n8n's refreshes stored during the runs, too.
			secrets.push(accessTokenOf(credentials), refreshTokenOf(credentials));
			const seen = JSON.stringify([
				failed.run,
				failed.error?.message,
				failed.error?.description,
				continued.items,
				logged.map((spy) => spy.mock.calls),
			]);
			for (const secret of secrets.filter(Boolean)) expect(seen).not.toContain(secret);
			return { failed, continued };
		} finally {
			for (const spy of logged) spy.mockRestore();
		}
	}

	test('a revoked refresh token: "reconnect the credential"', async () => {
		const { failed, continued } = await failing(() => {
			setup.glean.oauth.expireAccessTokens();
			setup.glean.oauth.revokeRefreshTokens();
		});
		expect(failed.error?.message).toBe(
			'Item 0: Glean ended the sign-in: the access token expired and Glean refused to renew it',
		);
		expect(failed.error?.description).toContain(
			'Open the Glean Chat OAuth2 API credential and click "Reconnect"',
		);
		expect(continued.items).toHaveLength(1);
		expect(continued.items[0].json.error).toBe(failed.error?.message);
		expect(continued.items[0].pairedItem).toEqual({ item: 0 });
	});

	test('no refresh token (the sign-in did not ask for offline_access): says to add it', async () => {
		const { failed } = await failing(() => setup.glean.oauth.expireAccessTokens(), {
			scope: 'chat',
		});
		expect(failed.error?.message).toBe(
			'Item 0: the access token expired and the credential has no refresh token',
		);
		expect(failed.error?.description).toContain('offline_access');
	});

	test('Glean refuses even the refreshed token: one refresh, then "reconnect"', async () => {
		const grants = tokenRequestsFromNow();
		const { failed } = await failing(() => {
			setup.glean.oauth.expireAccessTokens();
			// Every token Glean issues from now on is already expired.
			setup.glean.oauth.accessTokenMillis = -1;
		});
		expect(failed.error?.message).toBe('Glean answered 401: Invalid Secret (after 2 attempts)');
		expect(failed.error?.description).toContain(
			'Glean did not accept the access token, even after n8n refreshed it.',
		);
		expect(failed.error?.description).toContain('click "Reconnect"');
		// One refresh per run (two runs), never a loop.
		expect(grants().filter((grant) => grant === 'refresh_token')).toHaveLength(2);
	});

	test('a sign-in without the chat scope: Glean’s 403 says to fix the Scope', async () => {
		const { failed } = await failing(() => {}, { scope: 'search offline_access' });
		expect(failed.error?.description).toContain(
			'check that the credential\'s "Scope" includes chat',
		);
	});

	test('never signed in: "not connected", nothing sent', async () => {
		const { failed } = await failing((credentials) => delete credentials.oauthTokenData);
		expect(failed.error?.message).toBe(
			'Item 0: the Glean Chat OAuth2 API credential is not connected',
		);
		expect(setup.glean.requests.filter((request) => request.path.startsWith('/rest/'))).toEqual([]);
	});

	test('Glean echoing the token it got after the refresh: redacted everywhere, logs and saved error included', async () => {
		for (const status of [400, 503]) {
			setup.glean.reset();
			setup.glean.faults = (request) => {
				const bearer = String(request.headers.authorization).replace('Bearer ', '');
				return {
					kind: 'text',
					status,
					text: `Token ${bearer} is ${status === 400 ? 'odd' : 'overloaded'}`,
				};
			};
			const { failed, continued } = await failing(() => setup.glean.oauth.expireAccessTokens(), {
				// One retry of the 503, soon: its warning in the log quotes Glean's text.
				parameters: { options: { retry: { settings: { maxAttempts: 3, maxWaitSeconds: 5 } } } },
			});
			setup.glean.faults = undefined;
			expect(failed.error?.message).toContain(`Glean answered ${status}: Token [redacted] is`);
			expect(continued.items[0].json.error).toContain('[redacted]');
			// The runs did refresh: the secrets checked include the tokens they stored.
			expect(setup.glean.requestsTo('chat')[0].status).toBe(401);
		}
	});

	test('a token endpoint that does not answer: the item fails after REFRESH_LIMIT_MILLIS, saying so', async () => {
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		const release = setup.glean.holdTokenEndpoint();
		const clock = useVirtualRetryClock();
		try {
			const { error } = await runGleanNode({ parameters: sendMessage, credentials });
			expect(error?.message).toBe(
				'Item 0: the access token expired and n8n could not refresh it in time',
			);
			expect(error?.description).toContain('did not answer within 60 s');
			expect(clock.waits).toEqual([60_000]);
		} finally {
			clock.restore();
			release();
		}
	});

	test('a run that joins a refresh under way waits only for what is left of its time limit', async () => {
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		const release = setup.glean.holdTokenEndpoint();
		const clock = useVirtualRetryClock();
		const grants = tokenRequestsFromNow();
		const tokenCallsBefore = setup.glean.requestsTo('/oauth/token').length;
		try {
			// The first run gives up after the whole limit; its refresh is still under way.
			const first = await runGleanNode({ parameters: sendMessage, credentials });
			const second = await runGleanNode({ parameters: sendMessage, credentials });
			for (const { error } of [first, second])
				expect(error?.message).toBe(
					'Item 0: the access token expired and n8n could not refresh it in time',
				);
			expect(clock.waits).toEqual([60_000, 0]);
			// One refresh for both runs: the token endpoint got one request, answered once let go.
			expect(setup.glean.requestsTo('/oauth/token').length - tokenCallsBefore).toBe(1);
			release();
			while (grants().length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
			expect(grants()).toEqual(['refresh_token']);
		} finally {
			clock.restore();
			release();
		}
	});

	test('two n8n processes refresh the same sign-in at once: the one Glean refuses uses the tokens the other stored', async () => {
		// Each process refreshes on its own (n8n 1.x; or separate credential IDs on 2.x), and
		// both send the same refresh token: Glean takes the first and refuses the second.
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		const release = setup.glean.holdTokenEndpoint();
		const grants = tokenRequestsFromNow();
		const tokenCallsBefore = setup.glean.requestsTo('/oauth/token').length;
		try {
			const runs = ['worker-1', 'worker-2'].map(
				async (credentialId) =>
					await runGleanNode({ parameters: sendMessage, credentials, credentialId }),
			);
			// Both refreshes have reached Glean, with the same refresh token, before either is answered.
			while (setup.glean.requestsTo('/oauth/token').length - tokenCallsBefore < 2)
				await new Promise((resolve) => setTimeout(resolve, 5));
			release();
			const [one, two] = await Promise.all(runs);
			expect([one.error, two.error]).toEqual([undefined, undefined]);
			expect(grants()).toEqual(['refresh_token', 'refresh_token']);
		} finally {
			release();
		}
	});

	test('cancelling the execution while n8n refreshes ends the run at once', async () => {
		const credentials = await signedInCredential(setup.glean);
		setup.glean.oauth.expireAccessTokens();
		const release = setup.glean.holdTokenEndpoint();
		const cancel = new AbortController();
		void setup.glean.nextRequest('/oauth/token').then(() => cancel.abort());
		try {
			const started = Date.now();
			const { run } = await runGleanNode({
				parameters: sendMessage,
				credentials,
				cancel: cancel.signal,
			});
			expect(run.status).toBe('canceled');
			expect(Date.now() - started).toBeLessThan(5_000);
		} finally {
			release();
		}
	});

	test('Glean echoing the access and refresh tokens: redacted in the error', async () => {
		const { failed } = await failing((credentials) => {
			setup.glean.enqueue(
				'chat',
				{
					kind: 'text',
					status: 400,
					text: `Bad Request: Bearer ${accessTokenOf(credentials)} refresh=${refreshTokenOf(credentials)}`,
				},
				{
					kind: 'text',
					status: 400,
					text: `Bad Request: Bearer ${accessTokenOf(credentials)} refresh=${refreshTokenOf(credentials)}`,
				},
			);
		});
		expect(failed.error?.description).toContain('refresh=[redacted]');
	});
});

test('streamed live to n8n’s chat with an expired token: refreshed, and the chunks carry the answer', async () => {
	const credentials = await signedInCredential(setup.glean);
	setup.glean.oauth.expireAccessTokens();
	const { items, chunks, error } = await runGleanNode({
		parameters: { ...sendMessage, stream: true },
		credentials,
		streaming: true,
	});
	expect(error).toBeUndefined();
	const live = chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content);
	expect(live.join('')).toContain(items[0].json.answer as string);
	expect(setup.glean.requestsTo('chat').map((request) => request.status)).toEqual([401, 200]);
});

describe('the credential', () => {
	/** A credential property's default as n8n resolves it: expressions see the credential as $self. */
	async function resolved(name: string, data: ICredentialDataDecryptedObject): Promise<unknown> {
		const { credentialTypes, nodeTypes } = await loadPackage();
		const type = credentialTypes[OAUTH2_CREDENTIAL_TYPE];
		const values = withCredentialDefaults(type, data);
		const node = {
			id: 'n',
			name: 'n',
			type: 'test.items',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return workflow.expression.getParameterValue(
			values[name] as string,
			null,
			0,
			0,
			node.name,
			[],
			'internal',
			{},
			undefined,
			false,
			values as never,
		);
	}

	test.each([
		['acme', 'https://acme-be.glean.com'],
		['https://acme-be.glean.com/rest/api/v1/', 'https://acme-be.glean.com'],
		['acme-be.glean.com', 'https://acme-be.glean.com'],
		['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
		['http://localhost:8080', 'http://localhost:8080'],
		// Plain http elsewhere would carry the code and the client secret unencrypted: nowhere.
		['http://glean.example.com', 'https://plain-http-is-only-for-localhost.invalid'],
	])('Base URL %j signs in at %s/oauth/authorize and /oauth/token', async (baseUrl, origin) => {
		expect(await resolved('authUrl', { baseUrl })).toBe(`${origin}/oauth/authorize`);
		expect(await resolved('accessTokenUrl', { baseUrl })).toBe(`${origin}/oauth/token`);
	});

	test('PKCE, chat and offline_access by default, tokens sent in the Authorization header', async () => {
		const { credentialTypes } = await loadPackage();
		const type = credentialTypes[OAUTH2_CREDENTIAL_TYPE];
		expect(type.extends).toEqual(['oAuth2Api']);
		const defaults = withCredentialDefaults(type, {});
		expect(defaults).toMatchObject({
			grantType: 'pkce',
			scope: 'chat offline_access',
			authentication: 'header',
			clientSecret: '',
		});
	});
});

test('“Custom API Call”, which n8n adds for OAuth2 credentials, says to use the HTTP Request node', async () => {
	const credentials = await signedInCredential(setup.glean);
	for (const parameters of [
		{ resource: '__CUSTOM_API_CALL__' },
		{ resource: 'chat', operation: '__CUSTOM_API_CALL__' },
	]) {
		const { error } = await runGleanNode({ parameters: { ...OAUTH2, ...parameters }, credentials });
		expect(error?.message).toBe('Glean Chat does not make custom API calls');
		expect(error?.description).toContain('HTTP Request node');
	}
	expect(setup.glean.requests.filter((request) => request.path.startsWith('/rest/'))).toEqual([]);
});

test('a redirect is not followed with the OAuth2 credential either: the access token stays with the Base URL', async () => {
	const credentials = await signedInCredential(setup.glean);
	for (const location of [
		'http://127.0.0.2:9/rest/api/v1/chat',
		`${setup.glean.baseUrl}/rest/api/v1/elsewhere`,
	]) {
		setup.glean.reset();
		setup.glean.enqueue('chat', { kind: 'redirect', status: 307, location });
		const { error } = await runGleanNode({ parameters: sendMessage, credentials });
		expect(error?.message).toBe(
			`Glean answered 307, a redirect to ${location}, which the node does not follow`,
		);
		expect(setup.glean.requests.map((request) => request.path)).toEqual(['/rest/api/v1/chat']);
	}
});
