import { runItems } from '../../nodes/GleanChat/actions/itemPool';
import { Pace } from '../../nodes/GleanChat/transport/pace';
import type { ItemPlace } from '../../nodes/GleanChat/transport/types';
import { backoffMillis, retryClock } from '../../nodes/GleanChat/transport/retry';
import { seededRandom } from '../emulator/gleanEmulator';
import type { RateLimit } from '../emulator/rateLimit';
import { TokenBuckets } from '../emulator/rateLimit';

/**
 * A batch of questions against a token-bucket Glean, in virtual time (Jest's fake timers): the
 * real Pace and item pool, and a client loop that calls them as the transport does (send.ts):
 * turn, send, then accepted, or refused and wait Glean's Retry-After or the backoff. Glean
 * decides at the instant a request is sent and answers after `answerMillis`; a refusal comes
 * back at once.
 */
export interface BatchScenario {
	questions: number;
	concurrency: number;
	glean: RateLimit;
	/** How long Glean takes to answer an accepted question. */
	answerMillis: number;
	/** The node's "Max Requests per Minute" (undefined: learn the pace). */
	perMinute?: number;
	/** Go on with the pace of an earlier batch (the same user, the same n8n process). */
	pace?: Pace;
	/** Up to this many ms of the client's own work before each request reaches Glean (default 10). */
	overheadMillis?: number;
	/** A Glean whose bucket is already partly used, e.g. by an earlier batch. */
	buckets?: TokenBuckets;
	seed?: number;
}

/** The batch: 40 questions, Glean allowing 4 per second with a burst of 3, 150 ms answers. */
export const BATCH: BatchScenario = {
	questions: 40,
	concurrency: 1,
	answerMillis: 150,
	glean: { perSecond: 4, burst: 3, retryAfter: true },
};

export interface BatchResult {
	/** Virtual milliseconds from the first request to the last answer. */
	millis: number;
	/** The rate's bound: the burst at once, then one question per token, then the last answer. */
	boundMillis: number;
	refusals: number;
	/** Refusals of requests sent after the first refusal had come back. */
	refusalsAfterFirst: number;
	/** The order items got their first turn in. */
	firstTurns: number[];
	pace: Pace;
	buckets: TokenBuckets;
}

/** Runs the batch; the caller has called `jest.useFakeTimers()`. */
export async function simulateBatch(scenario: BatchScenario): Promise<BatchResult> {
	const { questions, concurrency, glean, answerMillis, perMinute } = scenario;
	const overhead = scenario.overheadMillis ?? 10;
	const pace = scenario.pace ?? new Pace();
	const buckets = scenario.buckets ?? new TokenBuckets(glean, () => Date.now());
	const random = seededRandom(scenario.seed ?? 1);
	const signal = new AbortController().signal;
	const start = Date.now();
	let refusals = 0;
	let refusalsAfterFirst = 0;
	let firstRefusalBack = Infinity;
	const firstTurns: number[] = [];
	const ask = async (itemIndex: number, place: ItemPlace): Promise<number> => {
		let waited = 0;
		for (let attempt = 1; ; attempt++) {
			const turn = await pace.turn(signal, 120_000 - waited, perMinute);
			waited += turn.waitedMillis;
			if (!('sentAt' in turn)) throw new Error(`item ${itemIndex}: its turn is too far off`);
			if (attempt === 1) firstTurns.push(itemIndex);
			// The client's own work before the request reaches Glean (n8n-core's, a few ms).
			await retryClock.sleep(Math.round(overhead * random()), signal);
			const refusal = buckets.refusal('user', 'chat');
			if (!refusal) {
				await retryClock.sleep(answerMillis, signal);
				pace.accepted(turn);
				return Date.now();
			}
			refusals++;
			if (turn.sentAt > firstRefusalBack) refusalsAfterFirst++;
			firstRefusalBack = Math.min(firstRefusalBack, Date.now());
			const told = refusal['Retry-After'] ? Number(refusal['Retry-After']) * 1000 : undefined;
			const wait = told ?? backoffMillis(attempt, random());
			pace.refused(turn, wait);
			const lent = place.lend();
			await retryClock.sleep(wait, signal);
			waited += wait;
			if (lent) await place.takeBack();
		}
	};
	const batch = runItems(questions, concurrency, () => undefined, ask);
	await jest.runAllTimersAsync();
	const ends = await batch;
	const tokensAfterBurst = Math.max(0, questions - glean.burst);
	return {
		millis: Math.max(...ends) - start,
		boundMillis: (tokensAfterBurst / glean.perSecond) * 1000 + answerMillis,
		refusals,
		refusalsAfterFirst,
		firstTurns,
		pace,
		buckets,
	};
}
