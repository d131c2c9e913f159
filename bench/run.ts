/**
 * `npm run bench`: B1–B6, each printed as a table as soon as it is done, then all of them
 * written to bench/RESULTS.md with the machine they ran on. `npm run bench -- B1 B3` runs
 * only those (and leaves RESULTS.md alone).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { b3FirstTokenLatency } from './latency';
import { now } from './lib/measure';
import { b4ManyItems } from './manyItems';
import { b2Memory } from './memory';
import { b6RateLimit } from './rateLimit';
import { b1StreamThroughput, b5Scaling } from './throughput';

const BENCHMARKS: Array<[string, () => Promise<string>]> = [
	['B1', async () => await b1StreamThroughput(15)],
	['B2', async () => await b2Memory(3)],
	['B3', async () => await b3FirstTokenLatency(9)],
	['B4', async () => await b4ManyItems(3)],
	['B5', async () => await b5Scaling(7)],
	['B6', async () => await b6RateLimit(3)],
];

function machine(): string {
	const cpu = cpus();
	return `Node ${process.version} on ${process.platform}/${process.arch}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GiB`;
}

async function main(): Promise<void> {
	const only = process.argv.slice(2);
	const started = now();
	const sections: string[] = [];
	console.log(`Benchmarks on ${machine()}\n`);
	for (const [name, run] of BENCHMARKS) {
		if (only.length > 0 && !only.includes(name)) continue;
		const section = await run();
		console.log(`${section}\n`);
		sections.push(section);
	}
	const minutes = ((now() - started) / 60_000).toFixed(1);
	console.log(`All done in ${minutes} min.`);
	if (only.length === 0) {
		const header = [
			'# Benchmark results',
			'',
			`The latest output of \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, ${minutes} min), on ${machine()}:`,
			"the project's development machine kind (a 2-core cloud VM). Ours and each baseline ran in the same",
			'run, on the same machine; ratios are ours ÷ baseline. What the benchmarks do, and what the figures',
			'mean, is in docs/performance.md.',
		].join('\n');
		writeFileSync(
			join(__dirname, '..', '..', 'bench', 'RESULTS.md'),
			`${header}\n\n${sections.join('\n\n')}\n`,
		);
	}
	process.exit(0);
}

void main();
