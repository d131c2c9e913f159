import { GleanEmulator } from '../emulator/gleanEmulator';

/** The emulator's spec check must itself catch bad requests, or "valid against the spec" means nothing. */
let glean: GleanEmulator;
beforeAll(async () => {
	glean = await GleanEmulator.start({ token: 't' });
});
afterAll(async () => await glean.stop());
beforeEach(() => glean.reset());

async function post(endpoint: string, body: unknown, query = ''): Promise<Response> {
	return await fetch(`${glean.baseUrl}/rest/api/v1/${endpoint}${query}`, {
		method: 'POST',
		headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

const validMessage = { author: 'USER', messageType: 'CONTENT', fragments: [{ text: 'hi' }] };

test.each([
	[
		'a field the spec lacks',
		'chat',
		{ messages: [validMessage], savechat: true },
		/body\.savechat is not a field/,
	],
	[
		'a nested field the spec lacks',
		'chat',
		{ messages: [{ ...validMessage, files: ['x'] }] },
		/body\.messages\[0\]\.files is not a field/,
	],
	[
		'a wrong type',
		'chat',
		{ messages: [validMessage], stream: 'yes' },
		/body\/stream must be boolean/,
	],
	[
		'a wrong enum',
		'chat',
		{ messages: [validMessage], agentConfig: { agent: 'SMART' } },
		/body\/agentConfig\/agent must be equal to one of the allowed values/,
	],
	['a missing required field', 'deletechats', {}, /must have required property 'ids'/],
	['a body where the spec has none', 'listchats', { cursor: 'x' }, /defines no request body/],
])('rejects %s', async (_, endpoint, body, problem) => {
	const response = await post(endpoint, body);
	expect(response.status).toBe(400);
	expect(glean.violations.join('\n')).toMatch(problem);
});

test('rejects an unknown query parameter and a non-integer timezoneOffset', async () => {
	await post('chat', { messages: [validMessage] }, '?tz=1&timezoneOffset=abc');
	expect(glean.violations).toEqual([
		'POST /rest/api/v1/chat: query parameter "tz" is not in the spec',
		'POST /rest/api/v1/chat: query parameter "timezoneOffset" must be an integer, got "abc"',
	]);
});

test('rejects a path that is not in the spec', async () => {
	expect((await post('chatz', {})).status).toBe(400);
	expect(glean.violations[0]).toMatch(/is not an operation of Glean's spec/);
});

test('accepts a valid request, answers streams as text/plain and JSON as application/json', async () => {
	const streamed = await post(
		'chat',
		{ messages: [validMessage], stream: true },
		'?timezoneOffset=-420&locale=en',
	);
	expect(streamed.status).toBe(200);
	expect(streamed.headers.get('content-type')).toMatch(/^text\/plain/);
	expect((await streamed.text()).trim().split('\n').length).toBeGreaterThan(10);
	const whole = await post('chat', { messages: [validMessage], stream: false });
	expect(whole.headers.get('content-type')).toBe('application/json');
	expect(glean.violations).toEqual([]);
});

test('checks the bearer token and answers 401 in plain text', async () => {
	const response = await fetch(`${glean.baseUrl}/rest/api/v1/listchats`, { method: 'POST' });
	expect(response.status).toBe(401);
	expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
});
