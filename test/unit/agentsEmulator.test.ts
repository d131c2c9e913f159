import { GleanEmulator } from '../emulator/gleanEmulator';
import type { ServerSentEvent } from '../../nodes/GleanChat/helpers/serverSentEvents';
import { ServerSentEventParser } from '../../nodes/GleanChat/helpers/serverSentEvents';

/**
 * The emulator's Agents endpoints (issue 18), over real HTTP and validated against Glean's spec:
 * what the Agent resource will meet.
 */

const TOKEN = 'agents-token';
let glean: GleanEmulator;
beforeAll(async () => {
	glean = await GleanEmulator.start({ token: TOKEN });
});
afterAll(async () => await glean.stop());
beforeEach(() => {
	glean.reset();
	glean.agents.agents.set('release-notes', {
		agent: {
			agent_id: 'release-notes',
			name: 'Release note drafter',
			description: 'Drafts the release note of a version',
			capabilities: { 'ap.io.messages': false, 'ap.io.streaming': true },
		},
		inputSchema: {
			type: 'object',
			properties: { version: { type: 'string' }, audience: { type: 'string' } },
			required: ['version'],
		},
		outputSchema: { type: 'object', properties: { summary: { type: 'string' } } },
		answer: ['Version 2.4 ', 'adds Atlas ', 'search 🚀.'],
	});
});

async function call(method: string, path: string, body?: unknown): Promise<Response> {
	return await fetch(`${glean.baseUrl}/rest/api/v1/${path}`, {
		method,
		headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

test('search, get and schemas answer as Glean documents them, and the requests match the spec', async () => {
	const search = (await (await call('POST', 'agents/search', { name: 'RELEASE' })).json()) as {
		agents: Array<{ agent_id: string }>;
	};
	expect(search.agents.map((agent) => agent.agent_id)).toEqual(['release-notes']);
	expect(
		((await (await call('POST', 'agents/search', {})).json()) as { agents: unknown[] }).agents,
	).toHaveLength(1);
	expect(await (await call('GET', 'agents/release-notes')).json()).toMatchObject({
		name: 'Release note drafter',
	});
	expect(await (await call('GET', 'agents/release-notes/schemas?locale=en')).json()).toMatchObject({
		agent_id: 'release-notes',
		input_schema: { required: ['version'] },
	});
	expect((await call('GET', 'agents/nobody')).status).toBe(404);
	expect(glean.violations).toEqual([]);
});

test('a run waited for, and the same run streamed as server-sent events', async () => {
	const input = { version: '2.4', audience: '' };
	const waited = (await (
		await call('POST', 'agents/runs/wait', { agent_id: 'release-notes', input })
	).json()) as {
		run: { status: string };
		messages: Array<{ content: Array<{ text: string }> }>;
	};
	expect(waited.run.status).toBe('success');
	expect(waited.messages[0].content[0].text).toBe('Version 2.4 adds Atlas search 🚀.');

	const response = await call('POST', 'agents/runs/stream', { agent_id: 'release-notes', input });
	expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
	const parser = new ServerSentEventParser();
	const events: ServerSentEvent[] = [];
	for await (const chunk of response.body ?? [])
		parser.push(chunk as Uint8Array, (event) => events.push(event));
	expect(parser.end(() => {})).toBe(false);
	const text = events
		.map(
			(event) =>
				(JSON.parse(event.data) as { messages: Array<{ content: Array<{ text: string }> }> })
					.messages[0].content[0].text,
		)
		.join('');
	expect(text).toBe('Version 2.4 adds Atlas search 🚀.');
	expect(events.map((event) => event.id)).toEqual(['1', '2', '3']);
	expect(glean.agents.runs).toHaveLength(2);
	expect(glean.violations).toEqual([]);
});

test('Glean’s refusals: tools not connected (422), a form field left out, no such agent', async () => {
	glean.agents.agents.get('release-notes')!.unauthorizedTools = [
		{ toolName: 'jira_create', toolDisplayName: 'Jira: create issue', serverId: 'jira' },
	];
	const refused = await call('POST', 'agents/runs/wait', {
		agent_id: 'release-notes',
		input: { version: '1', audience: '' },
	});
	expect(refused.status).toBe(422);
	expect(await refused.json()).toMatchObject({
		authenticationSuggestions: [{ toolDisplayName: 'Jira: create issue', serverId: 'jira' }],
	});
	glean.agents.agents.get('release-notes')!.unauthorizedTools = undefined;
	// Every form field must be sent, optional ones as "" (client_rest.yaml, AgentRunCreate).
	expect(
		(await call('POST', 'agents/runs/wait', { agent_id: 'release-notes', input: { version: '1' } }))
			.status,
	).toBe(500);
	expect((await call('POST', 'agents/runs/stream', { agent_id: 'nobody' })).status).toBe(404);
	expect(glean.violations).toEqual([]);
});

test('a run without agent_id breaks Glean’s spec, and the emulator says so', async () => {
	await call('POST', 'agents/runs/wait', { input: {} });
	expect(glean.violations.join('\n')).toMatch(/agent_id/);
});
