import { sha256 } from './lib/answerStream';
import { startEmulatorProcess } from './lib/emulatorProcess';
import { mb, median, ms, now, quantile, ratio, table } from './lib/measure';
import type { Target } from './lib/readers';
import { readWithNode, readWithSdk, readWithUndici } from './lib/readers';

/**
 * B1 (stream throughput) and B5 (scaling): how long reading a streamed answer of a given size
 * takes, ours against the limit and the SDK, each run checked to have read the whole answer.
 */

type Reader = (target: Target) => Promise<string>;

export const READERS: Array<{ name: string; read: Reader }> = [
	{
		name: 'Glean Chat node (n8n-core, end to end)',
		read: async (target) => await readWithNode(target),
	},
	{ name: 'limit: undici + split + JSON.parse', read: readWithUndici },
	{ name: 'Glean SDK createStream + parse', read: readWithSdk },
];

export interface Timing {
	name: string;
	medianMs: number;
	/** The middle half of the runs (this machine is a shared VM: single runs vary). */
	spread: string;
}

const WARM_UP_ROUNDS = 2;

/**
 * Median time of each reader over `runs` rounds for one answer size. Readers take turns within
 * each round, so a slow moment of the machine hits all of them alike; one warm-up round first.
 */
export async function timeReaders(
	megabytes: number,
	readers: typeof READERS,
	runs: number,
): Promise<{ timings: Timing[]; streamBytes: number; lines: number }> {
	const emulator = await startEmulatorProcess(megabytes);
	try {
		const samples = readers.map(() => [] as number[]);
		for (let round = -WARM_UP_ROUNDS; round < runs; round++) {
			for (const [index, reader] of readers.entries()) {
				const start = now();
				const answer = await reader.read(emulator);
				const elapsed = now() - start;
				if (sha256(answer) !== emulator.answerSha256) {
					throw new Error(
						`${reader.name} did not read the answer the stream carries (${Buffer.byteLength(answer)} bytes, expected ${emulator.answerBytes})`,
					);
				}
				if (round >= 0) samples[index].push(elapsed);
			}
		}
		const timings = readers.map((reader, index) => ({
			name: reader.name,
			medianMs: median(samples[index]),
			spread: `${ms(quantile(samples[index], 0.25))} – ${ms(quantile(samples[index], 0.75))}`,
		}));
		return { timings, streamBytes: emulator.streamBytes, lines: emulator.lines };
	} finally {
		emulator.stop();
	}
}

export async function b1StreamThroughput(runs: number): Promise<string> {
	const { timings, streamBytes, lines } = await timeReaders(20, READERS, runs);
	const limit = timings[1].medianMs;
	const rows = timings.map((timing) => ({
		reader: timing.name,
		'median time': ms(timing.medianMs),
		'middle half of runs': timing.spread,
		throughput: `${(streamBytes / 1024 / 1024 / (timing.medianMs / 1000)).toFixed(1)} MB/s`,
		'vs limit': ratio(timing.medianMs, limit),
	}));
	return [
		`### B1 stream throughput: ${mb(streamBytes)} NDJSON, ${lines.toLocaleString('en')} lines, over loopback (median of ${runs} rounds after ${WARM_UP_ROUNDS} warm-up rounds, readers taking turns)`,
		'',
		table(rows),
		'',
		`Goal: ours ≤ 1.25x the limit. Measured: ${ratio(timings[0].medianMs, limit)}.`,
	].join('\n');
}

export async function b5Scaling(runs: number): Promise<string> {
	const rows = [];
	const perMbOurs: number[] = [];
	const perMbLimit: number[] = [];
	for (const size of [1, 5, 20, 50]) {
		const { timings, streamBytes } = await timeReaders(size, READERS.slice(0, 2), runs);
		const perMb = (timing: Timing) => timing.medianMs / (streamBytes / 1024 / 1024);
		perMbOurs.push(perMb(timings[0]));
		perMbLimit.push(perMb(timings[1]));
		rows.push({
			stream: mb(streamBytes),
			'ours, per MB': ms(perMb(timings[0])),
			'limit, per MB': ms(perMb(timings[1])),
			'ours vs limit': ratio(timings[0].medianMs, timings[1].medianMs),
		});
	}
	const growth = perMbOurs[perMbOurs.length - 1] / perMbOurs[1];
	const limitGrowth = perMbLimit[perMbLimit.length - 1] / perMbLimit[1];
	return [
		`### B5 scaling: B1 at four sizes (median of ${runs} rounds after ${WARM_UP_ROUNDS} warm-up rounds, readers taking turns)`,
		'',
		table(rows),
		'',
		`Goal: time per MB does not grow with size. From 5 MB to 50 MB ours changes ${ratio(growth * 100, 100)} per MB, the limit ${ratio(limitGrowth * 100, 100)} (1 MB carries the fixed cost of a run).`,
	].join('\n');
}
