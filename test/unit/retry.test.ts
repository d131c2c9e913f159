import { getEventListeners } from 'node:events';

import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { NodeApiError as NodeApiErrorOfOne } from 'n8n-workflow-1';

import { retryOption } from '../../nodes/GleanChat/actions/common';
import { baseUrlProblem, normalizeBaseUrl } from '../../nodes/GleanChat/transport/baseUrl';
import { clientLimitMillis } from '../../nodes/GleanChat/transport/deadline';
import { isEmailAddress } from '../../nodes/GleanChat/transport/credential';
import { abortableSleep } from '../../nodes/GleanChat/transport/abortableSleep';
import { connectionFailureOf, errorCode } from '../../nodes/GleanChat/transport/connectionErrors';
import {
	backoffMillis,
	DEFAULT_RETRY_POLICY,
	isRetryable,
	mayHaveReachedGlean,
	parseRetryAfter,
	RetryBudget,
	retryClock,
} from '../../nodes/GleanChat/transport/retry';

const NOW = Date.UTC(2026, 10, 27, 3, 0, 0);

describe('Retry-After', () => {
	test.each([
		['3', 3000],
		['0', 0],
		['1.5', 1500],
		[' 120 ', 120_000],
		[new Date(NOW + 7000).toUTCString(), 7000],
		// A date in the past means "now".
		[new Date(NOW - 60_000).toUTCString(), 0],
	])('%j means wait %i ms', (header, millis) => {
		expect(parseRetryAfter(header, NOW)).toBe(millis);
	});

	test.each([undefined, '', 'soon', '-5', '3 seconds'])('%j is ignored', (header) => {
		expect(parseRetryAfter(header, NOW)).toBeUndefined();
	});
});

describe('backoff', () => {
	test('doubles per retry, jittered between half and all, capped at 30 s', () => {
		expect([1, 2, 3, 4, 5, 6, 7].map((retry) => backoffMillis(retry, 0))).toEqual([
			500, 1000, 2000, 4000, 8000, 15_000, 15_000,
		]);
		expect([1, 2, 3, 4, 5, 6, 7].map((retry) => backoffMillis(retry, 1))).toEqual([
			1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
		]);
	});
});

describe('what is retried', () => {
	test.each([
		[429, true, true],
		[503, true, true],
		[500, true, false],
		[502, true, false],
		[504, true, false],
		[408, false, false],
		[400, false, false],
		[401, false, false],
		[403, false, false],
		[404, false, false],
	])('status %i: idempotent calls %p, a saved message %p', (statusCode, idempotent, saved) => {
		expect(isRetryable({ kind: 'status', statusCode }, true)).toBe(idempotent);
		expect(isRetryable({ kind: 'status', statusCode }, false)).toBe(saved);
	});

	test.each([
		// Glean was never reached (no connection, no such host, the TLS handshake failed): safe for every call, like a 503.
		['ECONNREFUSED', true, true],
		['ENOTFOUND', true, true],
		['EAI_AGAIN', true, true],
		['EHOSTUNREACH', true, true],
		['EPROTO', true, true],
		['CERT_HAS_EXPIRED', true, true],
		['DEPTH_ZERO_SELF_SIGNED_CERT', true, true],
		['ERR_TLS_CERT_ALTNAME_INVALID', true, true],
		// A TLS record error can come mid-answer, after the request was written: not retried.
		['ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', false, false],
		// The connection broke after it was made: Glean may have stored a saved message.
		['ECONNRESET', true, false],
		['EPIPE', true, false],
		['ETIMEDOUT', true, false],
		// The client's own idle limit: trying again would wait as long again.
		['ECONNABORTED', false, false],
		[undefined, false, false],
	])(
		'connection error %s: retried for idempotent calls %p, for a saved message %p',
		(code, retried, savedRetried) => {
			expect(isRetryable({ kind: 'connection', code }, true)).toBe(retried);
			expect(isRetryable({ kind: 'connection', code }, false)).toBe(savedRetried);
			expect(mayHaveReachedGlean({ kind: 'connection', code })).toBe(!savedRetried);
		},
	);

	test('the budget counts attempts and refuses a Retry-After beyond the wait left', () => {
		const original = { ...retryClock };
		retryClock.now = () => NOW;
		try {
			const budget = new RetryBudget({ maxAttempts: 3, maxWaitMillis: 5000 });
			budget.attempts = 1;
			expect(budget.decide({ kind: 'status', statusCode: 429, retryAfter: '4' }, true)).toEqual({
				retry: true,
				waitMillis: 4000,
			});
			budget.waitedMillis = 4000;
			budget.attempts = 2;
			expect(
				budget.decide({ kind: 'status', statusCode: 429, retryAfter: '2' }, true),
			).toMatchObject({ retry: false });
			budget.attempts = 3;
			expect(budget.decide({ kind: 'status', statusCode: 503 }, true)).toEqual({
				retry: false,
				why: 'gave up after 3 attempts',
				limited: true,
			});
			expect(budget.decide({ kind: 'status', statusCode: 500 }, false)).toEqual({
				retry: false,
				why: 'a 500 answer is not tried again for a message saved to a chat',
				limited: false,
			});
		} finally {
			Object.assign(retryClock, original);
		}
	});

	test("the panel's Retry defaults are the policy's defaults", () => {
		expect(retryOption.default).toEqual({
			settings: {
				maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
				maxWaitSeconds: DEFAULT_RETRY_POLICY.maxWaitMillis / 1000,
			},
		});
	});
});

describe('client time limit', () => {
	test.each([
		[100, 350],
		[2_000, 2_250],
		[30_000, 33_000],
		[60_000, 65_000],
		[600_000, 605_000],
	])('Glean timeout %i ms: the client gives up at %i ms', (timeoutMillis, limit) => {
		expect(clientLimitMillis(timeoutMillis)).toBe(limit);
	});
});

describe('Base URL and Act As checks', () => {
	test.each([
		'acme',
		'https://acme-be.glean.com',
		'https://acme-be.glean.com/rest/api/v1/',
		'http://localhost:8080',
		'http://127.0.0.1:3000/',
		'http://[::1]:3000',
	])('%s is accepted', (input) => {
		expect(baseUrlProblem(normalizeBaseUrl(input))).toBeUndefined();
	});

	test.each([
		['http://acme-be.glean.com', /plain http/],
		['http://10.0.0.5:8080', /plain http/],
		['ftp://acme-be.glean.com', /uses "ftp"/],
		['https://acme-be.glean.com/api', /path "\/api"/],
		['https://acme-be.glean.com/?x=1', /query/],
		['https://a:b@acme-be.glean.com', /user name or password/],
		['https://', /not a valid address/],
	])('%s is refused', (input, reason) => {
		expect(baseUrlProblem(normalizeBaseUrl(input))).toMatch(reason);
	});

	test.each([
		['ann@example.com', true],
		['ann.lee+glean@sub.example.co.uk', true],
		['ann', false],
		['ann@', false],
		['ann@example', false],
		['ann lee@example.com', false],
	])('%s is an e-mail address: %p', (text, expected) => {
		expect(isEmailAddress(text)).toBe(expected);
	});
});

describe('the real retry wait', () => {
	test("uses n8n's sleep: an aborted execution signal ends it at once with the abort reason", async () => {
		const cancel = new AbortController();
		cancel.abort(new Error('execution cancelled'));
		await expect(retryClock.sleep(60_000, cancel.signal)).rejects.toThrow('execution cancelled');
	});

	test('ends when the signal aborts during the wait', async () => {
		const cancel = new AbortController();
		const waiting = retryClock.sleep(60_000, cancel.signal);
		cancel.abort(new Error('stop'));
		await expect(waiting).rejects.toThrow('stop');
		expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0);
	});

	test('a wait that runs out leaves no listener on the signal (one execution signal, many waits)', async () => {
		const execution = new AbortController();
		for (let wait = 0; wait < 3; wait++) await abortableSleep(1, execution.signal);
		expect(getEventListeners(execution.signal, 'abort')).toHaveLength(0);
	});
});

describe('a connection error that happened before the request could be written', () => {
	const connectError = (code: string) =>
		Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code, syscall: 'connect' });
	test.each([
		['a reset while connecting', connectError('ECONNRESET'), true],
		['a timeout while connecting', connectError('ETIMEDOUT'), true],
		[
			'a TLS handshake the server broke off',
			Object.assign(
				new Error(
					'Client network socket disconnected before secure TLS connection was established',
				),
				{ code: 'ECONNRESET' },
			),
			true,
		],
		[
			'every address refused or timed out (AggregateError)',
			Object.assign(new AggregateError([connectError('ECONNREFUSED'), connectError('ETIMEDOUT')]), {
				code: 'ETIMEDOUT',
			}),
			true,
		],
		[
			'the same, wrapped by n8n as a cause',
			Object.assign(new Error('request failed'), { cause: connectError('ECONNRESET') }),
			true,
		],
		[
			'a reset after the request was written',
			Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' }),
			false,
		],
		[
			'a timeout with no phase',
			Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' }),
			false,
		],
	])(
		'%s: never reached Glean %p, so a saved message is retried accordingly',
		(_name, error, neverReached) => {
			const failure = connectionFailureOf(error);
			expect(failure.neverReached).toBe(neverReached);
			expect(isRetryable(failure, false)).toBe(neverReached);
			expect(mayHaveReachedGlean(failure)).toBe(!neverReached);
		},
	);
});

describe('connection errors as each n8n-core generation hands them over', () => {
	// What n8n-core's httpRequestWithAuthentication throws: the request's error wrapped in the
	// NodeApiError of the n8n-workflow it runs with (2.x keeps it as `cause`; 1.x drops it and
	// keeps only its code as `httpCode` and its message in `messages`).
	const node: INode = {
		id: 'glean-node',
		name: 'Glean Chat',
		type: 'n8n-nodes-glean-chat.gleanChat',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const axiosError = (message: string, code: string, socketError: Error) =>
		Object.assign(new Error(message), {
			code,
			cause: socketError,
			isAxiosError: true,
		}) as unknown as JsonObject;
	// The engine's own (2.41 unless N8N_MAJOR=1), and 1.x's always.
	const generations = [
		["this run's n8n-workflow", NodeApiError],
		['n8n-workflow 1.120', NodeApiErrorOfOne as unknown as typeof NodeApiError],
	] as const;

	test.each(generations)('%s: a reset after the request was written', (_name, ApiError) => {
		const socket = Object.assign(new Error('read ECONNRESET'), {
			code: 'ECONNRESET',
			syscall: 'read',
		});
		const wrapped = new ApiError(node, axiosError('read ECONNRESET', 'ECONNRESET', socket));
		expect(errorCode(wrapped)).toBe('ECONNRESET');
		const failure = connectionFailureOf(wrapped);
		expect(failure).toEqual({ kind: 'connection', code: 'ECONNRESET', neverReached: false });
		// Send Message without a saved chat, Get Many, …: tried again; a saved message is not.
		expect(isRetryable(failure, true)).toBe(true);
		expect(isRetryable(failure, false)).toBe(false);
	});

	test.each(generations)('%s: a reset while connecting', (_name, ApiError) => {
		const socket = Object.assign(new Error('connect ECONNRESET 10.0.0.7:443'), {
			code: 'ECONNRESET',
			syscall: 'connect',
		});
		const wrapped = new ApiError(node, axiosError(socket.message, 'ECONNRESET', socket));
		expect(connectionFailureOf(wrapped)).toEqual({
			kind: 'connection',
			code: 'ECONNRESET',
			neverReached: true,
		});
	});

	test.each(generations)('%s: a TLS handshake the server broke off', (_name, ApiError) => {
		const message =
			'Client network socket disconnected before secure TLS connection was established';
		const socket = Object.assign(new Error(message), { code: 'ECONNRESET' });
		const wrapped = new ApiError(node, axiosError(message, 'ECONNRESET', socket));
		expect(connectionFailureOf(wrapped).neverReached).toBe(true);
	});

	test.each(generations)('%s: the socket stayed silent (the silence limit)', (_name, ApiError) => {
		const timeout = Object.assign(new Error('timeout of 1000ms exceeded'), {
			code: 'ECONNABORTED',
			isAxiosError: true,
		}) as unknown as JsonObject;
		expect(errorCode(new ApiError(node, timeout))).toBe('ECONNABORTED');
	});

	test.each(generations)(
		"%s: Glean's own status codes are not read as connection codes",
		(_name, ApiError) => {
			const refused = new ApiError(node, { message: 'Too Many Requests' }, { httpCode: '429' });
			expect(errorCode(refused)).toBeUndefined();
		},
	);
});
