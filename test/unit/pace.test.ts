import {
	FORGET_AFTER_MILLIS,
	forgetPaces,
	MAX_PACES,
	Pace,
	paceFor,
} from '../../nodes/GleanChat/transport/pace';
import { TokenBuckets } from '../emulator/rateLimit';
import { BATCH, simulateBatch } from '../harness/paceSimulation';

/**
 * The pace (transport/pace.ts, paceLearner.ts) in virtual time: Jest's fake timers drive the
 * real Pace, item pool and n8n's sleep against a token-bucket Glean (paceSimulation.ts). What
 * a batch costs over real HTTP is measured by bench B6.
 */

beforeEach(() => {
	jest.useFakeTimers({ now: Date.UTC(2026, 10, 29, 9, 0, 0) });
	forgetPaces();
});
afterEach(() => jest.useRealTimers());

describe('a batch at Glean’s rate limit, learning the pace from scratch', () => {
	test.each([
		[1, true],
		[4, true],
		[8, true],
		[1, false],
		[4, false],
		[8, false],
	])(
		'Concurrency %i, Retry-After %p: within 1.10x of the rate’s bound, at most 0.10 refusals per question after the first',
		async (concurrency, retryAfter) => {
			const result = await simulateBatch({
				...BATCH,
				concurrency,
				glean: { ...BATCH.glean, retryAfter },
			});
			expect(result.millis / result.boundMillis).toBeLessThanOrEqual(1.1);
			expect(result.refusalsAfterFirst / BATCH.questions).toBeLessThanOrEqual(0.1);
		},
	);

	test('Concurrency 8 is never more than 5% slower than Concurrency 1', async () => {
		for (const retryAfter of [true, false]) {
			const glean = { ...BATCH.glean, retryAfter };
			const one = await simulateBatch({ ...BATCH, glean, concurrency: 1 });
			const eight = await simulateBatch({ ...BATCH, glean, concurrency: 8 });
			expect(eight.millis).toBeLessThanOrEqual(one.millis * 1.05);
		}
	});

	test('slow answers (2 s) under a limit of 4 per second: Concurrency 8 is at least 3x faster than 1', async () => {
		const slow = { ...BATCH, answerMillis: 2000 };
		const one = await simulateBatch({ ...slow, concurrency: 1 });
		const eight = await simulateBatch({ ...slow, concurrency: 8 });
		expect(one.millis / eight.millis).toBeGreaterThanOrEqual(3);
		expect(eight.millis / eight.boundMillis).toBeLessThanOrEqual(1.2);
	});

	test('Glean’s documented /chat limit (0.5 per second, burst 3), 5 s answers, Concurrency 8', async () => {
		const result = await simulateBatch({
			questions: 30,
			concurrency: 8,
			answerMillis: 5000,
			glean: { perSecond: 0.5, burst: 3, retryAfter: true },
		});
		expect(result.millis / result.boundMillis).toBeLessThanOrEqual(1.1);
		expect(result.refusalsAfterFirst / 30).toBeLessThanOrEqual(0.15);
	});

	test('turns are taken in input order however the answers fall', async () => {
		const result = await simulateBatch({ ...BATCH, concurrency: 8 });
		expect(result.firstTurns).toEqual(Array.from({ length: 40 }, (_, index) => index));
	});
});

describe('the pace outlives a batch (the same user, the same n8n process)', () => {
	test('the next batch is paced from its first request: no burst of refusals at the start', async () => {
		const first = await simulateBatch({ ...BATCH, concurrency: 8 });
		expect(first.refusals).toBeGreaterThanOrEqual(5);
		// The next run starts right away, Glean's bucket still empty.
		const next = await simulateBatch({
			...BATCH,
			concurrency: 8,
			pace: first.pace,
			buckets: first.buckets,
		});
		expect(next.refusals).toBeLessThanOrEqual(2);
		// Its bound: Glean's bucket is empty, so every question waits for its token.
		const emptyBucketBound = (BATCH.questions / BATCH.glean.perSecond) * 1000 + BATCH.answerMillis;
		expect(next.millis).toBeLessThanOrEqual(emptyBucketBound * 1.05);
	});

	test('runs a minute apart keep the pace they learned (the idle minute is not taken for a slow rate)', async () => {
		const glean = { perSecond: 4, burst: 3, retryAfter: true };
		const buckets = new TokenBuckets(glean, () => Date.now());
		const pace = new Pace();
		const runs: number[] = [];
		for (let run = 0; run < 5; run++) {
			const result = await simulateBatch({
				...BATCH,
				questions: 20,
				concurrency: 8,
				pace,
				buckets,
			});
			runs.push(result.millis / result.boundMillis);
			jest.advanceTimersByTime(60_000);
		}
		expect(Math.max(...runs.slice(1))).toBeLessThanOrEqual(1.3);
		expect(pace.learner.rate).toBeGreaterThan(3);
	});

	test('a pace unused for FORGET_AFTER_MILLIS is forgotten, even the only one; one in use is kept', () => {
		const only = paceFor({ baseUrl: 'https://solo-be.glean.com', caller: 'solo' }, 'chat');
		jest.advanceTimersByTime(FORGET_AFTER_MILLIS + 1000);
		expect(paceFor({ baseUrl: 'https://solo-be.glean.com', caller: 'solo' }, 'chat')).not.toBe(
			only,
		);

		const user = { baseUrl: 'https://acme-be.glean.com', caller: 'secret-token-1' };
		const pace = paceFor(user, 'chat');
		expect(paceFor(user, 'chat')).toBe(pace);
		jest.advanceTimersByTime(FORGET_AFTER_MILLIS - 1000);
		expect(paceFor(user, 'chat')).toBe(pace);
		jest.advanceTimersByTime(FORGET_AFTER_MILLIS + 1000);
		// Another user's request sweeps the quiet ones out.
		paceFor({ ...user, caller: 'another-token' }, 'chat');
		expect(paceFor(user, 'chat')).not.toBe(pace);
	});

	test(`at most ${MAX_PACES} users are kept, the least recently used leaving first`, () => {
		const first = paceFor({ baseUrl: 'https://acme-be.glean.com', caller: 't0' }, 'chat');
		for (let index = 1; index <= MAX_PACES; index++) {
			paceFor({ baseUrl: 'https://acme-be.glean.com', caller: `t${index}` }, 'chat');
		}
		expect(paceFor({ baseUrl: 'https://acme-be.glean.com', caller: 't0' }, 'chat')).not.toBe(first);
	});

	test('each Glean user and endpoint has its own pace; the chat files share one', () => {
		const user = { baseUrl: 'https://acme-be.glean.com', caller: 'token' };
		const chat = paceFor(user, 'chat');
		expect(paceFor({ ...user, actAs: 'ann@example.com' }, 'chat')).not.toBe(chat);
		expect(paceFor({ ...user, actAs: 'Ann@Example.com' }, 'chat')).toBe(
			paceFor({ ...user, actAs: 'ann@example.com' }, 'chat'),
		);
		expect(paceFor({ ...user, caller: 'other' }, 'chat')).not.toBe(chat);
		expect(paceFor({ ...user, baseUrl: 'https://other-be.glean.com' }, 'chat')).not.toBe(chat);
		expect(paceFor(user, 'listchats')).not.toBe(chat);
		expect(paceFor(user, 'chat-files/FILE_1')).toBe(paceFor(user, 'chat-files/FILE_2'));
	});
});

describe('Max Requests per Minute', () => {
	test('below Glean’s limit: not one 429, one request per interval from the first', async () => {
		const result = await simulateBatch({
			...BATCH,
			concurrency: 8,
			perMinute: 200,
			overheadMillis: 0,
		});
		expect(result.refusals).toBe(0);
		// 40 requests, 0.3 s apart, then the last answer.
		expect(result.millis).toBe(39 * 300 + 150);
	});

	test('above Glean’s limit: the pace learned from Glean’s 429s takes over', async () => {
		const result = await simulateBatch({ ...BATCH, concurrency: 8, perMinute: 600 });
		expect(result.refusals).toBeGreaterThan(0);
		expect(result.refusalsAfterFirst / BATCH.questions).toBeLessThanOrEqual(0.1);
		// No burst at first: the explicit limit spaces the first requests too.
		expect(result.millis / result.boundMillis).toBeLessThanOrEqual(1.2);
	});
});
