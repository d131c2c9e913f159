/**
 * A Glean emulator in its own process, answering every chat request with one prepared NDJSON
 * answer, so that serving 50 MB costs the measured process neither CPU nor memory.
 * Argument: JSON {megabytes, deltaWords, sameAnswerAs, chunkBytes, responseDelayMs, rateLimit, token} (see answerStream
 * and test/emulator/rateLimit.ts). Prints one JSON line {baseUrl, lines, answerBytes, answerSha256, streamBytes} when
 * ready; answers an IPC message {statusesOf: actAs} with the [receivedAt, closedAt, status] of that user's
 * requests so far; exits when its parent does.
 */
import type { RecordedRequest } from '../test/emulator/gleanEmulator';
import { GleanEmulator } from '../test/emulator/gleanEmulator';
import type { RateLimit } from '../test/emulator/rateLimit';
import { TokenBuckets } from '../test/emulator/rateLimit';
import { answerStream } from './lib/answerStream';

async function main(): Promise<void> {
	const config = JSON.parse(process.argv[2] ?? '{}') as {
		megabytes: number;
		deltaWords?: number;
		sameAnswerAs?: number;
		chunkBytes?: number;
		/** Pause before every answer (a slow Glean). */
		responseDelayMs?: number;
		/** Glean's per-user rate limit on /chat. */
		rateLimit?: RateLimit;
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
	if (config.rateLimit) glean.rateLimit = new TokenBuckets(config.rateLimit);
	process.on('message', (message: { statusesOf?: string }) => {
		const of = (request: RecordedRequest) => String(request.headers['x-glean-actas'] ?? '');
		const statuses = glean.requests
			.filter((request) => of(request) === message.statusesOf)
			.map((request) => [request.receivedAt, request.closedAt ?? 0, request.status ?? 0]);
		process.send?.({ statuses });
	});
	process.stdout.write(
		`${JSON.stringify({ baseUrl: glean.baseUrl, lines: stream?.lines ?? 0, answerBytes: stream?.answerBytes ?? 0, answerSha256: stream?.answerSha256 ?? '', streamBytes: stream?.body.length ?? 0 })}\n`,
	);
	process.on('disconnect', () => process.exit(0));
}

void main();
