import { Pace } from '../../nodes/GleanChat/transport/pace';
import type { Turn } from '../../nodes/GleanChat/transport/pace';
import { TokenBuckets } from '../emulator/rateLimit';
import { BATCH, simulateBatch } from '../harness/paceSimulation';

/**
 * One pace's line and what it learns from (transport/pace.ts, paceLearner.ts), in virtual time
 * (Jest's fake timers). Whole batches against a token-bucket Glean are in pace.test.ts.
 */

beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 10, 29, 9, 0, 0) }));
afterEach(() => jest.useRealTimers());

/** Glean refuses the pace's first request (Retry-After 1 s) and the wait passes; the rate then. */
async function firstRefusalWaitedOut(pace: Pace): Promise<number> {
	const first = (await pace.turn(new AbortController().signal, 60_000, undefined)) as Turn;
	pace.refused(first, 1000);
	jest.advanceTimersByTime(1000);
	return pace.learner.rateAt(Date.now());
}

describe('waiting for a turn', () => {
	const never = new AbortController().signal;

	test('turns go in the order asked, spaced by the pace', async () => {
		const pace = new Pace();
		const order: number[] = [];
		const turns = [0, 1, 2, 3].map(async (index) => {
			const turn = await pace.turn(never, 60_000, 120);
			order.push(index);
			return turn;
		});
		await jest.runAllTimersAsync();
		const sent = (await Promise.all(turns)) as Turn[];
		expect(order).toEqual([0, 1, 2, 3]);
		expect(sent.map((turn) => turn.sentAt - sent[0].sentAt)).toEqual([0, 500, 1000, 1500]);
	});

	test('a cancelled execution stops waiting at once with its reason; the next in line goes on', async () => {
		const pace = new Pace();
		const cancel = new AbortController();
		await pace.turn(never, 60_000, 60);
		const cancelled = pace.turn(cancel.signal, 60_000, 60);
		const next = pace.turn(never, 60_000, 60);
		const outcome = cancelled.catch((error: unknown) => error);
		jest.advanceTimersByTime(100);
		cancel.abort(new Error('execution cancelled'));
		await expect(outcome).resolves.toEqual(new Error('execution cancelled'));
		const started = Date.now();
		await jest.runAllTimersAsync();
		const turn = (await next) as Turn;
		// It takes the cancelled request's place: one second after the first, not two.
		expect(turn.sentAt - started).toBe(900);
	});

	test('a turn further off than the item may still wait is refused at once, and says how far', async () => {
		const pace = new Pace();
		await pace.turn(never, 60_000, 30);
		const tooLong = await pace.turn(never, 1500, 30);
		expect(tooLong).toEqual({
			tooLongMillis: 2000,
			leftMillis: 1500,
			waitedMillis: 0,
			perMinute: 30,
			paused: false,
		});
	});

	test('waiting behind earlier requests is free, like waiting to start; first in line, the wait counts', async () => {
		const pace = new Pace();
		// Three requests at 60 per minute: the third waits 1 s behind the second, then 1 s first in line.
		const turns = [0, 1, 2].map(async () => await pace.turn(never, 1000, 60));
		await jest.runAllTimersAsync();
		const [one, two, three] = (await Promise.all(turns)) as Turn[];
		expect([one.waitedMillis, two.waitedMillis, three.waitedMillis]).toEqual([0, 1000, 1000]);
		expect(three.sentAt - one.sentAt).toBe(2000);
	});

	test('a hundred requests waiting add no listener to the shared cancel signal beyond one', async () => {
		const pace = new Pace();
		const cancel = new AbortController();
		const added = jest.spyOn(cancel.signal, 'addEventListener');
		const turns = Array.from(
			{ length: 100 },
			async () => await pace.turn(cancel.signal, 600_000, 60),
		);
		await jest.advanceTimersByTimeAsync(10_000);
		expect(added.mock.calls.length).toBeLessThanOrEqual(1);
		cancel.abort(new Error('stopped'));
		const outcomes = await Promise.allSettled(turns);
		expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(89);
	});

	test('after Glean’s first 429 everyone waits it out; then the pace learned from it', async () => {
		const pace = new Pace();
		const first = (await pace.turn(never, 60_000, undefined)) as Turn;
		pace.refused(first, 1000);
		const asked = Date.now();
		const next = pace.turn(never, 60_000, undefined);
		await jest.runAllTimersAsync();
		expect(((await next) as Turn).sentAt - asked).toBe(1000);
		expect(pace.learner.rate).toBeGreaterThan(0);
	});

	test('a 503 pauses every request of the user', async () => {
		const pace = new Pace();
		pace.pause(3000);
		const asked = Date.now();
		const next = pace.turn(never, 60_000, undefined);
		await jest.runAllTimersAsync();
		expect(((await next) as Turn).sentAt - asked).toBe(3000);
	});

	test('a refused request’s retry takes its turn like any other: Retry-After does not let it jump the pace', async () => {
		const pace = new Pace();
		const rate = await firstRefusalWaitedOut(pace);
		const second = (await pace.turn(never, 60_000, undefined)) as Turn;
		pace.accepted(second);
		const nextTurn = pace.turn(never, 60_000, undefined);
		await jest.runAllTimersAsync();
		const third = (await nextTurn) as Turn;
		// Glean's bucket is empty again: the pace empties its own, and the retry after Glean's
		// Retry-After (1 s) waits for the token the pace expects, not only for the second.
		pace.refused(third, 1000);
		jest.advanceTimersByTime(1000);
		const asked = Date.now();
		const retry = pace.turn(never, 60_000, undefined);
		await jest.runAllTimersAsync();
		// Nothing got through before the first refusal: 1 per second, raised 50% by the second;
		// the third was refused 1.667 s after the first, with one let through: 1.5 / 1.667 s.
		expect(rate).toBe(1);
		expect(pace.learner.rateAt(Date.now())).toBeCloseTo(0.9, 3);
		// 1 s after the refusal the pace holds 0.9 of a token: 1/9 s more for the tenth.
		expect(((await retry) as Turn).sentAt - asked).toBe(112);
	});
});

describe('what the pace learns from', () => {
	const never = new AbortController().signal;

	test('a 5xx or a lost connection is neither accepted nor refused: the rate stays as it was', async () => {
		const pace = new Pace();
		const rate = await firstRefusalWaitedOut(pace);
		const second = (await pace.turn(never, 60_000, undefined)) as Turn;
		pace.unjudged(second);
		expect(pace.learner.rateAt(Date.now())).toBe(rate);
		// An accepted one raises it (+50% while the limit is being found).
		const next = pace.turn(never, 60_000, undefined);
		await jest.runAllTimersAsync();
		pace.accepted((await next) as Turn);
		expect(pace.learner.rateAt(Date.now())).toBeGreaterThan(rate);
	});

	test('a run minutes after one that ended while the rate was rising is not slowed by the quiet time', async () => {
		const glean = { perSecond: 4, burst: 3, retryAfter: true };
		const buckets = new TokenBuckets(glean, () => Date.now());
		const pace = new Pace();
		// A small run meets Glean's limit once; its retry goes through.
		await simulateBatch({ ...BATCH, questions: 5, concurrency: 5, pace, buckets });
		jest.advanceTimersByTime(10 * 60_000);
		const later = await simulateBatch({ ...BATCH, pace, buckets });
		expect(later.millis / later.boundMillis).toBeLessThanOrEqual(1.3);
		expect(pace.learner.rate).toBeGreaterThan(3);
	});

	test('a wait that is Glean’s pause says so (not the pace, nor Max Requests per Minute)', async () => {
		const pace = new Pace();
		pace.pause(30_000);
		const tooLong = await pace.turn(never, 10_000, 30);
		expect(tooLong).toMatchObject({ paused: true, tooLongMillis: 30_000, leftMillis: 10_000 });
	});
});
