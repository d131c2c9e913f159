import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startEmulatorProcess } from './lib/emulatorProcess';
import { mb, median, table } from './lib/measure';

/**
 * B2: memory while aggregating a 50 MB stream. Each measurement runs in a fresh process
 * (bench/memoryMain), the emulator in another, so neither the served body nor earlier runs
 * count. Two streams carry the same answer text in 1 word per line (Glean's deltas) and in
 * 20 words per line: if memory followed the number of lines, the first would need far more.
 */

const run = promisify(execFile);

interface Measurement {
	answerBytes: number;
	answerSha256: string;
	peakRssGrowth: number;
	peakHeapGrowth: number;
}

async function measure(baseUrl: string, token: string, reader: string): Promise<Measurement> {
	const { stdout } = await run(
		process.execPath,
		['--expose-gc', join(__dirname, 'memoryMain.js'), JSON.stringify({ baseUrl, token, reader })],
		{
			maxBuffer: 1024 * 1024,
		},
	);
	return JSON.parse(stdout.trim().split('\n').pop()!) as Measurement;
}

const READER_NAMES: Record<string, string> = {
	ours: 'Glean Chat node, simplified',
	oursRaw: 'Glean Chat node, raw (Simplify off)',
	limit: 'limit: undici + split + JSON.parse',
	sdk: 'Glean SDK createStream + parse',
};

const SCENARIOS = [
	{
		label: "Glean's 1-word deltas",
		megabytes: 50,
		deltaWords: 1,
		readers: ['ours', 'oursRaw', 'limit', 'sdk'],
	},
	{
		label: '20-word deltas, a 10x longer answer',
		megabytes: 50,
		deltaWords: 20,
		readers: ['ours', 'oursRaw', 'limit'],
	},
	{
		label: 'the first answer in 20-word deltas',
		megabytes: 50,
		deltaWords: 20,
		sameAnswerAs: 50,
		readers: ['ours'],
	},
];

export async function b2Memory(runs: number): Promise<string> {
	const rows = [];
	const flat: string[] = [];
	for (const scenario of SCENARIOS) {
		const emulator = await startEmulatorProcess(scenario.megabytes, {
			deltaWords: scenario.deltaWords,
			sameAnswerAs: scenario.sameAnswerAs,
		});
		try {
			for (const reader of scenario.readers) {
				const samples: Measurement[] = [];
				for (let index = 0; index < runs; index++)
					samples.push(await measure(emulator.baseUrl, emulator.token, reader));
				if (samples.some((sample) => sample.answerSha256 !== emulator.answerSha256))
					throw new Error(`${reader} did not read the answer the stream carries`);
				const peakRss = median(samples.map((sample) => sample.peakRssGrowth));
				const goal = 3 * emulator.answerBytes + 30 * 1024 * 1024;
				rows.push({
					stream: `${scenario.label}: ${mb(emulator.streamBytes)}, ${emulator.lines.toLocaleString('en')} lines`,
					reader: READER_NAMES[reader],
					answer: mb(samples[0].answerBytes),
					'peak RSS growth': mb(peakRss),
					'peak heap growth': mb(median(samples.map((sample) => sample.peakHeapGrowth))),
					'goal (3x answer + 30 MB)': reader.startsWith('ours')
						? `${mb(goal)}: ${peakRss <= goal ? 'met' : 'MISSED'}`
						: '',
				});
				if (
					reader === 'ours' &&
					(scenario.deltaWords === 1 || scenario.sameAnswerAs !== undefined)
				) {
					const peakHeap = median(samples.map((sample) => sample.peakHeapGrowth));
					flat.push(
						`${emulator.lines.toLocaleString('en')} lines: ${mb(peakRss)} RSS, ${mb(peakHeap)} heap`,
					);
				}
			}
		} finally {
			emulator.stop();
		}
	}
	return [
		`### B2 memory: aggregating a 50 MB stream (median of ${runs} fresh processes, each measured after a warm-up read)`,
		'',
		table(rows),
		'',
		`Flat in the number of lines: the same answer text read as ${flat.join(', and as ')} of peak growth (an RSS growth of 0 means the process reused memory it already had). Raw output (Simplify off) keeps every message's fields and merged fragments, so it may need more.`,
	].join('\n');
}
