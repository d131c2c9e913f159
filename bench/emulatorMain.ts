/**
 * A Glean emulator in its own process, answering every chat request with one prepared NDJSON
 * answer, so that serving 50 MB costs the measured process neither CPU nor memory.
 * Argument: JSON {megabytes, deltaWords, sameAnswerAs, chunkBytes, responseDelayMs, token} (see answerStream). Prints one JSON line
 * {baseUrl, lines, answerBytes, answerSha256, streamBytes} when ready; exits when its parent does.
 */
import { GleanEmulator } from '../test/emulator/gleanEmulator';
import { answerStream } from './lib/answerStream';

async function main(): Promise<void> {
	const config = JSON.parse(process.argv[2] ?? '{}') as {
		megabytes: number;
		deltaWords?: number;
		sameAnswerAs?: number;
		chunkBytes?: number;
		/** Pause before every answer (a slow Glean). */
		responseDelayMs?: number;
		token: string;
	};
	// megabytes 0: the emulator's own conversation for each question, as in the tests.
	const stream =
		config.megabytes > 0
			? answerStream(config.megabytes, {
					deltaWords: config.deltaWords,
					sameAnswerAs: config.sameAnswerAs,
				})
			: undefined;
	const glean = await GleanEmulator.start({
		token: config.token,
		// 16 KB writes: what a fast network delivers per read, whatever Glean's own line flushes.
		chatAnswer: stream
			? { kind: 'ndjson', body: stream.body, chunking: { sizes: [config.chunkBytes ?? 16 * 1024] } }
			: undefined,
	});
	glean.responseDelayMs = config.responseDelayMs ?? 0;
	process.stdout.write(
		`${JSON.stringify({ baseUrl: glean.baseUrl, lines: stream?.lines ?? 0, answerBytes: stream?.answerBytes ?? 0, answerSha256: stream?.answerSha256 ?? '', streamBytes: stream?.body.length ?? 0 })}\n`,
	);
	process.on('disconnect', () => process.exit(0));
}

void main();
