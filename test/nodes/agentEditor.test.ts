import {
	ACCOUNT_BRIEF,
	HELPDESK,
	JIRA_BOT,
	RELEASE_NOTES,
	runParameters,
} from '../harness/agentCases';
import { listSearch, resourceMapping } from '../harness/editorLookups';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { signedInCredential } from '../harness/signIn';

/**
 * What the n8n editor asks of Glean while a user sets up Agent → Run, run through n8n-core's own
 * LoadOptionsContext: the agent list ("From List") and the chosen agent's form ("Input").
 */

const TOKEN = 'Kx9-agent-editor-secret-token';
const setup = gleanTestSetup(TOKEN);

beforeEach(() => {
	for (const agent of [RELEASE_NOTES, HELPDESK, ACCOUNT_BRIEF, JIRA_BOT])
		setup.glean.agents.agents.set(agent.agent.agent_id, agent);
});

describe('the editor', () => {
	test('"From List" lists the agents the user may run, searchable by name', async () => {
		const all = await listSearch('searchAgents', {
			parameters: { resource: 'agent', operation: 'run' },
			credentials: setup.credentials(),
		});
		expect(all.results.map((result) => result.value).sort()).toEqual(
			['account-brief', 'helpdesk', 'jira-bot', 'release-notes'].sort(),
		);
		const found = await listSearch('searchAgents', {
			parameters: { resource: 'agent', operation: 'run' },
			credentials: setup.credentials(),
			filter: 'RELEASE',
		});
		expect(found.results).toEqual([
			{
				name: 'Release note drafter',
				value: 'release-notes',
				description: 'Drafts the release note of a version',
			},
		]);
		expect(setup.glean.requestsTo('agents/search').map((request) => request.body)).toEqual([
			{ name: '' },
			{ name: 'RELEASE' },
		]);
	});

	test('"Input" shows the agent’s form: titles, types, choices and required fields', async () => {
		const { fields } = await resourceMapping('getAgentInputFields', {
			parameters: runParameters(),
			credentials: setup.credentials(),
		});
		expect(fields).toEqual([
			expect.objectContaining({
				id: 'version',
				displayName: 'Version (e.g. 2.4)',
				required: true,
				type: 'string',
				display: true,
			}),
			expect.objectContaining({
				id: 'audience',
				displayName: 'Audience',
				required: false,
				type: 'options',
				options: [
					{ name: 'customers', value: 'customers' },
					{ name: 'engineers', value: 'engineers' },
				],
			}),
			expect.objectContaining({ id: 'releaseDate', required: false, type: 'string' }),
		]);
		const [request] = setup.glean.requestsTo('agents/release-notes/schemas');
		expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	test('before an agent is chosen, "Input" says so and asks Glean nothing', async () => {
		const result = await resourceMapping('getAgentInputFields', {
			parameters: runParameters({ agentId: { __rl: true, mode: 'list', value: '' } }),
			credentials: setup.credentials(),
		});
		expect(result).toEqual({
			fields: [],
			emptyFieldsNotice: expect.stringMatching(/Choose an agent/),
		});
		expect(setup.glean.requests).toHaveLength(0);
	});

	test('an agent without a form says to use Message', async () => {
		const result = await resourceMapping('getAgentInputFields', {
			parameters: runParameters({ agentId: { __rl: true, mode: 'id', value: 'helpdesk' } }),
			credentials: setup.credentials(),
		});
		expect(result.fields).toEqual([]);
		expect(result.emptyFieldsNotice).toMatch(/Message/);
	});

	test('signed in with OAuth2: the lookups renew an expired access token, as runs do', async () => {
		const credentials = await signedInCredential(setup.glean, {
			scope: 'chat agents offline_access',
		});
		setup.glean.oauth.expireAccessTokens();
		const found = await listSearch('searchAgents', {
			parameters: { authentication: 'oAuth2', resource: 'agent', operation: 'run' },
			credentials,
			filter: 'helpdesk',
		});
		expect(found.results.map((result) => result.value)).toEqual(['helpdesk']);
		expect(setup.glean.requestsTo('agents/search').map((request) => request.status)).toEqual([
			401, 200,
		]);
		expect(setup.glean.oauth.tokenRequests.map((fields) => fields.grant_type)).toEqual([
			'authorization_code',
			'refresh_token',
		]);
	});

	test('a lookup Glean refuses fails with the node’s own error, without the token', async () => {
		const lookup = resourceMapping('getAgentInputFields', {
			parameters: runParameters({ agentId: { __rl: true, mode: 'id', value: 'nobody' } }),
			credentials: setup.credentials(),
		});
		await expect(lookup).rejects.toThrow(/Glean answered 404: Agent not found or not shared/);
		// Glean echoing the token in its refusal: neither the message nor the description shows it.
		setup.glean.enqueue('agents/search', {
			kind: 'json',
			status: 400,
			json: { message: `Bad request for Bearer ${TOKEN}` },
		});
		const failed = (await listSearch('searchAgents', {
			parameters: runParameters(),
			credentials: setup.credentials(),
		}).catch((error: unknown) => error)) as Error & { description?: string };
		expect(failed.message).toBe('Glean answered 400: Bad request for Bearer [redacted]');
		expect(`${failed.message} ${failed.description}`).not.toContain(TOKEN);
	});
});
