/**
 * One memory measurement in a fresh process (B2): reads the answer that the emulator process
 * at `baseUrl` serves, with one reader, and prints JSON with the peak RSS and heap growth
 * (sampled every 2 ms) over what this process used just before. Run with --expose-gc.
 */
import { GleanEmulator } from '../test/emulator/gleanEmulator';
import { sha256 } from './lib/answerStream';
import { readWithNode, readWithSdk, readWithUndici } from './lib/readers';

const READERS = {
	ours: async (target: { baseUrl: string; token: string }) => await readWithNode(target),
	oursRaw: async (target: { baseUrl: string; token: string }) =>
		await readWithNode(target, { simplify: false }),
	limit: readWithUndici,
	sdk: readWithSdk,
};

async function main(): Promise<void> {
	const { baseUrl, token, reader } = JSON.parse(process.argv[2]) as {
		baseUrl: string;
		token: string;
		reader: keyof typeof READERS;
	};
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	const read = READERS[reader];
	// Warm up on a small answer from an emulator in this process (then stopped), so code loading
	// and first-run caches are not counted, and the big answer is read only once, measured.
	const small = await GleanEmulator.start({ token });
	await read({ baseUrl: small.baseUrl, token });
	await small.stop();
	gc();
	gc();
	const before = process.memoryUsage();
	let peakRss = before.rss;
	let peakHeap = before.heapUsed;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	};
	const sampler = setInterval(sample, 2);
	const answer = await read({ baseUrl, token });
	sample();
	clearInterval(sampler);
	process.stdout.write(
		`${JSON.stringify({
			answerBytes: Buffer.byteLength(answer),
			answerSha256: sha256(answer),
			peakRssGrowth: peakRss - before.rss,
			peakHeapGrowth: peakHeap - before.heapUsed,
		})}\n`,
	);
	process.exit(0);
}

void main();
