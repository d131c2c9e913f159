import { conversationLines, defaultConversation, toNdjson } from '../test/emulator/conversation';
import { GleanEmulator } from '../test/emulator/gleanEmulator';
import { median, ms, now, ratio, table } from './lib/measure';
import { QUESTION, readWithNode, readWithSdk, readWithUndici } from './lib/readers';

/**
 * B3 first-token latency, on an agentic answer (a plan as CONTENT, the tool steps, then the
 * answer): the emulator sends everything before the answer, waits 500 ms, sends the answer's
 * first delta alone, waits 500 ms, then sends the rest. Measured: from the emulator writing that
 * delta to the first text the reader has after it: the node's sendChunk item (n8n streaming on),
 * the limit's parsed delta, the SDK's text (it returns only at the end).
 */

const PAUSE_MS = 500;

export async function b3FirstTokenLatency(runs: number): Promise<string> {
	const lines = conversationLines(defaultConversation(QUESTION));
	const firstAnswer = lines.findIndex((line) =>
		JSON.stringify(line).includes('"messageId":"msg-answer"'),
	);
	const head = Buffer.byteLength(toNdjson(lines.slice(0, firstAnswer)));
	const delta = Buffer.byteLength(toNdjson([lines[firstAnswer]]));
	const body = Buffer.from(toNdjson(lines));
	const glean = await GleanEmulator.start({ token: 'bench-token' });
	const target = { baseUrl: glean.baseUrl, token: glean.token };

	let deltaWrittenAt = 0;
	const measure = async (read: (markFirstText: () => void) => Promise<string>): Promise<number> => {
		glean.enqueue('chat', {
			kind: 'ndjson',
			body,
			chunking: { sizes: [head, delta, body.length] },
			delayMs: PAUSE_MS,
			onWrite: (index) => {
				if (index === 1) deltaWrittenAt = now();
			},
		});
		deltaWrittenAt = 0;
		let firstTextAt = 0;
		// The plan's text arrives 500 ms before the answer's first delta is written; it does not count.
		await read(() => {
			if (deltaWrittenAt > 0) firstTextAt ||= now();
		});
		return firstTextAt - deltaWrittenAt;
	};
	const readers: Array<[string, (mark: () => void) => Promise<string>]> = [
		[
			'Glean Chat node → first sendChunk item',
			async (mark) =>
				await readWithNode(target, {
					onChunk: (chunk) => {
						if (chunk.type === 'item') mark();
					},
				}),
		],
		['limit: undici → first parsed delta', async (mark) => await readWithUndici(target, mark)],
		['Glean SDK createStream → first text', async (mark) => await readWithSdk(target, mark)],
	];
	try {
		const samples = readers.map(() => [] as number[]);
		for (let round = 0; round <= runs; round++) {
			for (const [index, [, read]] of readers.entries()) {
				const latency = await measure(read);
				if (round > 0) samples[index].push(latency);
			}
		}
		const medians = samples.map(median);
		const rows = readers.map(([name], index) => ({
			reader: name,
			'median latency': ms(medians[index]),
			'vs limit': ratio(medians[index], medians[1]),
		}));
		return [
			`### B3 first-token latency: an agentic answer's first delta, after its plan and tools, then a ${PAUSE_MS} ms pause (median of ${runs} rounds after a warm-up)`,
			'',
			table(rows),
			'',
			`Goal: ours ≤ 20 ms. Measured: ${ms(medians[0])}.`,
		].join('\n');
	} finally {
		await glean.stop();
	}
}
