import type { INodeExecutionData } from 'n8n-workflow';

import { runGleanNode } from '../test/harness/n8nHarness';
import { median, ms, now, ratio, table } from './lib/measure';
import { startEmulatorProcess } from './lib/emulatorProcess';
import type { Target } from './lib/readers';
import { readWithUndici } from './lib/readers';

/**
 * B4 many items: 200 Send Messages, Glean answering each after 200 ms, at Concurrency 10 and
 * 1, against the ideal (200 × 0.2 s / concurrency); outputs must be identical. Then the cost
 * per request when Glean answers at once: ours against undici reading the same answers.
 */

const ITEMS = 200;
const GLEAN_MS = 200;

async function runItems(
	glean: Target,
	count: number,
	concurrency: number,
): Promise<{ millis: number; items: INodeExecutionData[] }> {
	const start = now();
	const { items, error } = await runGleanNode({
		parameters: {
			resource: 'chat',
			operation: 'sendMessage',
			message: '={{ $json.q }}',
			options: { concurrency },
		},
		items: Array.from({ length: count }, (_, index) => ({ json: { q: `Question ${index}?` } })),
		credentials: { baseUrl: glean.baseUrl, apiToken: glean.token },
	});
	if (error) throw error;
	if (items.length !== count) throw new Error(`${items.length} outputs for ${count} items`);
	return { millis: now() - start, items };
}

/** What must not differ between concurrency levels: each output's answer and its pairing. */
function signature(items: INodeExecutionData[]): string {
	return JSON.stringify(
		items.map((item) => [
			item.pairedItem,
			(item.json.steps as Array<{ type: string; text: string }>).find(
				(step) => step.type === 'plan',
			)?.text,
			item.json.answer,
		]),
	);
}

export async function b4ManyItems(runs: number): Promise<string> {
	// Glean runs elsewhere: its emulator gets its own process, so its work is not counted as ours.
	const slowGlean = await startEmulatorProcess(0, { responseDelayMs: GLEAN_MS });
	const instantGlean = await startEmulatorProcess(0);
	try {
		const glean = slowGlean;
		await runItems(glean, 20, 10);
		const rows = [];
		const outputs: string[] = [];
		const verdicts: string[] = [];
		for (const [concurrency, goal] of [
			[10, 1.15],
			[1, 1.05],
		] as const) {
			const times: number[] = [];
			for (let run = 0; run < runs; run++) {
				const { millis, items } = await runItems(glean, ITEMS, concurrency);
				times.push(millis);
				outputs.push(signature(items));
			}
			const ideal = (ITEMS * GLEAN_MS) / concurrency;
			const measured = median(times);
			rows.push({
				concurrency,
				'median wall time': ms(measured),
				ideal: ms(ideal),
				'vs ideal': ratio(measured, ideal),
				goal: `≤ ${goal.toFixed(2)}x`,
			});
			verdicts.push(
				`Concurrency ${concurrency}: ${ratio(measured, ideal)} of ideal (goal ≤ ${goal.toFixed(2)}x, ${measured <= goal * ideal ? 'met' : 'MISSED'})`,
			);
		}
		const identical = outputs.every((output) => output === outputs[0]);

		// Per-request overhead with an instant Glean: the node (one item at a time) against undici.
		const ours: number[] = [];
		const limit: number[] = [];
		for (let round = 0; round <= runs; round++) {
			const { millis } = await runItems(instantGlean, ITEMS, 1);
			const start = now();
			for (let index = 0; index < ITEMS; index++) await readWithUndici(instantGlean);
			const undiciMillis = now() - start;
			if (round > 0) {
				ours.push(millis / ITEMS);
				limit.push(undiciMillis / ITEMS);
			}
		}
		const overhead = [
			{
				reader: 'Glean Chat node, 200 items in one run',
				'per request': ms(median(ours)),
				'vs undici': ratio(median(ours), median(limit)),
			},
			{
				reader: 'undici + split + JSON.parse, 200 requests',
				'per request': ms(median(limit)),
				'vs undici': '1.00x',
			},
		];
		return [
			`### B4 many items: ${ITEMS} Send Messages, Glean answering each after ${GLEAN_MS} ms (median of ${runs} runs after a warm-up)`,
			'',
			table(rows),
			'',
			`${verdicts.join('; ')}. Outputs (order, pairing, answers) identical across all runs and both levels: ${identical ? 'yes' : 'NO'}.`,
			'',
			`Per-request cost with an instant Glean (a 70-line streamed answer each, median of ${runs} rounds after a warm-up):`,
			'',
			table(overhead),
		].join('\n');
	} finally {
		slowGlean.stop();
		instantGlean.stop();
	}
}
