import type { INode } from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { GleanChatApi } from '../../credentials/GleanChatApi.credentials';
import { parseIdList } from '../../nodes/GleanChat/helpers/idList';
import { timezoneOffsetMinutes } from '../../nodes/GleanChat/helpers/timezone';
import { requestOptions } from '../../nodes/GleanChat/transport/attempt';
import { normalizeBaseUrl } from '../../nodes/GleanChat/transport/baseUrl';
import { redact, redactDeep, StreamRedactor } from '../../nodes/GleanChat/transport';

const BASE_URL_CASES: Array<[string, string]> = [
	['acme', 'https://acme-be.glean.com'],
	['  acme  ', 'https://acme-be.glean.com'],
	['https://acme-be.glean.com', 'https://acme-be.glean.com'],
	['https://acme-be.glean.com/', 'https://acme-be.glean.com'],
	['https://acme-be.glean.com/rest/api/v1', 'https://acme-be.glean.com'],
	['https://acme-be.glean.com/rest/api/v1/', 'https://acme-be.glean.com'],
	['acme-be.glean.com', 'https://acme-be.glean.com'],
	['acme-be.glean.com/rest/api/v1', 'https://acme-be.glean.com'],
	['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
	['localhost:3000', 'https://localhost:3000'],
];

describe('base URL', () => {
	test.each(BASE_URL_CASES)('normalizeBaseUrl(%j) is %s', (input, expected) => {
		expect(normalizeBaseUrl(input)).toBe(expected);
	});

	// The credential test runs before node code, so it repeats the rules as an n8n expression.
	test.each(BASE_URL_CASES)(
		'the credential test request resolves %j to %s too',
		(input, expected) => {
			const node: INode = {
				id: 'n',
				name: 'n',
				type: 'test',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			};
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: {
					getByName: () => {
						throw new Error('unused');
					},
					getByNameAndVersion: () => ({
						description: {
							displayName: 'Test',
							name: 'test',
							group: [],
							version: 1,
							description: '',
							defaults: {},
							inputs: [NodeConnectionTypes.Main],
							outputs: [NodeConnectionTypes.Main],
							properties: [],
						},
					}),
					getKnownTypes: () => ({}),
				},
			});
			const expression = new GleanChatApi().test.request.baseURL as string;
			const resolved = workflow.expression.getSimpleParameterValue(node, expression, 'internal', {
				$credentials: { baseUrl: input },
			} as never);
			expect(resolved).toBe(expected);
		},
	);
});

describe('timezoneOffsetMinutes', () => {
	test.each([
		['UTC', '2026-07-01T12:00:00Z', 0],
		['America/Los_Angeles', '2026-07-01T12:00:00Z', -420],
		['America/Los_Angeles', '2026-01-15T12:00:00Z', -480],
		['Asia/Kolkata', '2026-01-15T12:00:00Z', 330],
		['Australia/Adelaide', '2026-01-15T12:00:00Z', 630],
		['Europe/Berlin', '2026-03-29T00:59:59Z', 60],
		['Europe/Berlin', '2026-03-29T01:00:00Z', 120],
	])('%s at %s is %i minutes east of UTC', (zone, at, minutes) => {
		expect(timezoneOffsetMinutes(zone, new Date(at))).toBe(minutes);
	});
});

describe('parseIdList', () => {
	test.each([
		['chat-1', ['chat-1']],
		[' a, b ,, c ', ['a', 'b', 'c']],
		[
			['a', ' b ', '', 'c,d'],
			['a', 'b', 'c', 'd'],
		],
		['', []],
		[' , ', []],
		[undefined, []],
		[
			[['nested'], 'x'],
			['nested', 'x'],
		],
	])('%j → %j', (input, expected) => {
		expect(parseIdList(input)).toEqual(expected);
	});
});

describe('redact', () => {
	test('removes the token and any bearer value', () => {
		expect(
			redact('echo: secret-token-123 and Authorization: Bearer abc.def', 'secret-token-123'),
		).toBe('echo: [redacted] and Authorization: Bearer [redacted]');
	});

	test('every occurrence, also inside a word, JSON-escaped or URL-encoded', () => {
		const token = 'tok/en+9=';
		expect(redact(`{"error":"bad header:\\n${token}"} x${token}y`, token)).toBe(
			'{"error":"bad header:\\n[redacted]"} x[redacted]y',
		);
		expect(redact(`Authorization=Bearer%20${encodeURIComponent(token)}&a=1`, token)).toBe(
			'Authorization=Bearer%20[redacted]&a=1',
		);
		expect(redact(JSON.stringify({ echo: 'tok"en' }), 'tok"en')).toBe('{"echo":"[redacted]"}');
	});

	test('a token with regular-expression characters is matched literally', () => {
		expect(redact('token a+b.c/d= and axb.c/d=', 'a+b.c/d=')).toBe('token [redacted] and axb.c/d=');
	});

	// Answers may legitimately explain "Authorization: Bearer <token>"; only the real token goes.
	test('redactDeep replaces the token in any string of a JSON value, and copies nothing when there is none', () => {
		const clean = { answer: 'fine', list: [{ text: 'ok' }] };
		expect(redactDeep(clean, 'secret-1')).toBe(clean);
		const dirty = { answer: 'a secret-1 b', list: [{ text: 'ok' }, { text: 'Bearer x' }], n: 3 };
		expect(redactDeep(dirty, 'secret-1')).toEqual({
			answer: 'a [redacted] b',
			list: [{ text: 'ok' }, { text: 'Bearer x' }],
			n: 3,
		});
		expect(dirty.answer).toBe('a secret-1 b');
	});

	test('StreamRedactor holds back only what may begin the token, across pieces', () => {
		const redactor = new StreamRedactor('SECRET-42');
		const forwarded = ['The key is SEC', 'RET', '-42 and SE', 'CRETS are', ' fine S'].map((piece) =>
			redactor.push(piece),
		);
		expect(forwarded).toEqual(['The key is ', '', '[redacted] and ', 'SECRETS are', ' fine ']);
		expect(redactor.flush()).toBe('S');
		expect(forwarded.join('') + 'S').toBe('The key is [redacted] and SECRETS are fine S');
	});
});

describe('request options', () => {
	const credential = (type: 'gleanChatApi' | 'gleanChatOAuth2Api') => ({
		type,
		baseUrl: 'https://acme-be.glean.com',
		caller: 'c',
		secrets: [],
		accessToken: '',
		user: '',
	});
	const call = { method: 'POST' as const, endpoint: 'chat', actAs: 'ann@example.com' };

	test('Act As is sent with an API token, never with the signed-in OAuth2 user', () => {
		expect(requestOptions(call, credential('gleanChatApi'), {}).headers).toEqual({
			'X-Glean-ActAs': 'ann@example.com',
		});
		expect(requestOptions(call, credential('gleanChatOAuth2Api'), {}).headers).toEqual({});
	});
});
