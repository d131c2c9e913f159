import { runGleanNode } from '../test/harness/n8nHarness';
import type { RateLimit } from '../test/emulator/rateLimit';
import type { Row } from './lib/measure';
import { median, now, table } from './lib/measure';
import type { EmulatorProcess } from './lib/emulatorProcess';
import { startEmulatorProcess } from './lib/emulatorProcess';

/**
 * B6 batches at Glean's rate limit: Send Messages against a Glean (emulator, own process) that
 * limits each user with a token bucket, answering 429 with or without Retry-After. Each run is
 * a new Glean user (Act As), so the node learns the pace from scratch; "next run" rows run the
 * same user again, its pace remembered. The bound: the burst at once, then one question per
 * token, then the last answer.
 */

const QUESTIONS = 40;
const SLOW_QUESTIONS = 20;
const LIMIT: RateLimit = { perSecond: 4, burst: 3 };
const ANSWER_MS = 150;
const SLOW_ANSWER_MS = 2000;

interface Run {
	millis: number;
	refusals: number;
	/** Refusals after the first: of requests sent once the node had an answer from Glean. */
	refusalsAfterFirst: number;
}

let users = 0;

async function runBatch(
	glean: EmulatorProcess,
	{
		questions,
		concurrency,
		actAs = `bench-user-${++users}@example.com`,
		maxRequestsPerMinute,
	}: { questions: number; concurrency: number; actAs?: string; maxRequestsPerMinute?: number },
): Promise<Run & { actAs: string }> {
	const before = (await glean.statusesOf(actAs)).length;
	const start = now();
	const { items, error } = await runGleanNode({
		parameters: {
			resource: 'chat',
			operation: 'sendMessage',
			message: '={{ $json.q }}',
			options: {
				concurrency,
				actAs,
				...(maxRequestsPerMinute ? { maxRequestsPerMinute } : {}),
			},
		},
		items: Array.from({ length: questions }, (_, index) => ({ json: { q: `Question ${index}?` } })),
		credentials: { baseUrl: glean.baseUrl, apiToken: glean.token },
	});
	const millis = now() - start;
	if (error) throw error;
	if (
		items.length !== questions ||
		items.some(
			(item, index) =>
				item.pairedItem === undefined || (item.pairedItem as { item: number }).item !== index,
		)
	) {
		throw new Error('outputs out of order or missing');
	}
	const statuses = (await glean.statusesOf(actAs))
		.slice(before)
		.sort(([one], [other]) => one - other);
	const refused = statuses.filter(([, , status]) => status === 429).length;
	// The first `concurrency` requests all leave before any answer is back (the node knows
	// nothing yet): their refusals are part of the first. Every later 429 counts.
	const blind = statuses.slice(0, concurrency).filter(([, , status]) => status === 429).length;
	return {
		actAs,
		millis,
		refusals: refused,
		refusalsAfterFirst: blind > 0 ? refused - blind : Math.max(0, refused - 1),
	};
}

const bound = (questions: number, answerMs: number) =>
	((questions - LIMIT.burst) / LIMIT.perSecond) * 1000 + answerMs;
const x = (value: number) => `${value.toFixed(2)}x`;
const spread = (values: number[], format: (value: number) => string) =>
	`${format(median(values))} (${format(Math.min(...values))} – ${format(Math.max(...values))})`;

export async function b6RateLimit(runs: number): Promise<string> {
	const withRetryAfter = await startEmulatorProcess(0, {
		responseDelayMs: ANSWER_MS,
		rateLimit: { ...LIMIT, retryAfter: true },
	});
	const without = await startEmulatorProcess(0, {
		responseDelayMs: ANSWER_MS,
		rateLimit: { ...LIMIT, retryAfter: false },
	});
	const slow = await startEmulatorProcess(0, {
		responseDelayMs: SLOW_ANSWER_MS,
		rateLimit: { ...LIMIT, retryAfter: true },
	});
	try {
		await runBatch(withRetryAfter, { questions: 10, concurrency: 4 });
		const rows: Row[] = [];
		const verdicts: string[] = [];
		const medians = new Map<string, number>();
		const record = (
			name: string,
			concurrency: number,
			retryAfter: string,
			results: Run[],
			limit: number,
			questions: number,
		) => {
			const times = results.map((run) => run.millis);
			medians.set(`${name}/${concurrency}`, median(times));
			rows.push({
				batch: name,
				concurrency,
				'Retry-After': retryAfter,
				'wall time: median (min – max)': spread(times, (value) => `${(value / 1000).toFixed(2)} s`),
				'vs bound': spread(
					times.map((time) => time / limit),
					x,
				),
				'429s per question after the first': spread(
					results.map((run) => run.refusalsAfterFirst / questions),
					(value) => value.toFixed(3),
				),
				'all 429s': spread(
					results.map((run) => run.refusals),
					(value) => String(value),
				),
			});
		};
		for (const [glean, retryAfter, goal] of [
			[withRetryAfter, 'yes', 1.1],
			[without, 'no', 1.2],
		] as const) {
			for (const concurrency of [1, 4, 8]) {
				const results: Run[] = [];
				for (let run = 0; run < runs; run++)
					results.push(await runBatch(glean, { questions: QUESTIONS, concurrency }));
				const limit = bound(QUESTIONS, ANSWER_MS);
				record('40 questions, 150 ms answers', concurrency, retryAfter, results, limit, QUESTIONS);
				const worst = Math.max(...results.map((run) => run.millis)) / limit;
				const worstAfter = Math.max(...results.map((run) => run.refusalsAfterFirst)) / QUESTIONS;
				verdicts.push(
					`Retry-After ${retryAfter}, Concurrency ${concurrency}: slowest run ${x(worst)} of the bound (goal ≤ ${x(goal)}: ${worst <= goal ? 'met' : 'MISSED'})${retryAfter === 'yes' ? `, at most ${worstAfter.toFixed(3)} 429s per question after the first (goal ≤ 0.10: ${worstAfter <= 0.1 ? 'met' : 'MISSED'})` : ''}`,
				);
			}
			const one = medians.get('40 questions, 150 ms answers/1')!;
			const eight = medians.get('40 questions, 150 ms answers/8')!;
			verdicts.push(
				`Retry-After ${retryAfter}: Concurrency 8 takes ${x(eight / one)} of Concurrency 1's median time (goal ≤ 1.05x: ${eight <= one * 1.05 ? 'met' : 'MISSED'})`,
			);
		}

		// The same user again right away: its pace is remembered from the run before.
		const next: Run[] = [];
		for (let run = 0; run < runs; run++) {
			const { actAs } = await runBatch(withRetryAfter, { questions: QUESTIONS, concurrency: 8 });
			next.push(await runBatch(withRetryAfter, { questions: QUESTIONS, concurrency: 8, actAs }));
		}
		// Glean's bucket is still empty from the run before: every question waits for its token.
		record(
			'the same, next run of the same user (bound: an empty bucket)',
			8,
			'yes',
			next,
			(QUESTIONS / LIMIT.perSecond) * 1000 + ANSWER_MS,
			QUESTIONS,
		);

		// Below Glean's limit, "Max Requests per Minute" paces from the first request.
		const explicit: Run[] = [];
		for (let run = 0; run < runs; run++) {
			explicit.push(
				await runBatch(withRetryAfter, {
					questions: QUESTIONS,
					concurrency: 8,
					maxRequestsPerMinute: 200,
				}),
			);
		}
		// Its own bound: one request every 0.3 s from the first.
		record(
			'the same, Max Requests per Minute 200 (bound: 200 per minute)',
			8,
			'yes',
			explicit,
			(QUESTIONS - 1) * 300 + ANSWER_MS,
			QUESTIONS,
		);
		const refusals = Math.max(...explicit.map((run) => run.refusals));
		verdicts.push(
			`Max Requests per Minute 200 (Glean allows 240): ${refusals} 429s in the slowest run (goal 0: ${refusals === 0 ? 'met' : 'MISSED'})`,
		);

		// Slow answers under the limit: Concurrency still helps.
		for (const concurrency of [1, 8]) {
			const results: Run[] = [];
			for (let run = 0; run < runs; run++)
				results.push(await runBatch(slow, { questions: SLOW_QUESTIONS, concurrency }));
			record(
				'20 questions, 2 s answers',
				concurrency,
				'yes',
				results,
				bound(SLOW_QUESTIONS, SLOW_ANSWER_MS),
				SLOW_QUESTIONS,
			);
		}
		const speedup =
			medians.get('20 questions, 2 s answers/1')! / medians.get('20 questions, 2 s answers/8')!;
		verdicts.push(
			`2 s answers: Concurrency 8 is ${x(speedup)} faster than Concurrency 1 (goal ≥ 3x: ${speedup >= 3 ? 'met' : 'MISSED'})`,
		);

		return [
			`### B6 batches at Glean's rate limit: a token bucket of ${LIMIT.perSecond} requests per second, burst ${LIMIT.burst}, per user (${runs} runs per row, each a new user unless said)`,
			'',
			table(rows),
			'',
			...verdicts.map((verdict) => `- ${verdict}`),
		].join('\n');
	} finally {
		withRetryAfter.stop();
		without.stop();
		slow.stop();
	}
}
