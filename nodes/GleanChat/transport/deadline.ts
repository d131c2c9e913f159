import { abortableSleep } from './abortableSleep';
import { seconds } from './retry';
import type { ByteStream } from './types';

/**
 * The client's own limit on one call to Glean. Glean enforces `timeoutMillis` itself and
 * answers 408; the client gives up a little later, so a server that never answers, or stalls
 * in the middle of a stream, cannot hold a workflow forever.
 */

/**
 * Without a Timeout option, the longest Glean may stay silent (no byte at all) before a call
 * fails: n8n's own HTTP default. Tests shorten it.
 */
export const silenceLimit = { millis: 300_000 };

/** How long after Glean's own timeout the client gives up: 10% of it, between 250 ms and 5 s. */
export function clientLimitMillis(timeoutMillis: number): number {
	return timeoutMillis + Math.min(5_000, Math.max(250, Math.round(timeoutMillis / 10)));
}

/** The connection stayed silent past the idle limit and the HTTP client closed it. */
export class SilenceError extends Error {
	constructor(readonly idleMillis: number) {
		super(`Glean sent nothing for ${seconds(idleMillis)}, so the node stopped waiting`);
		this.name = 'SilenceError';
	}
}

export class ClientTimeoutError extends Error {
	constructor(
		readonly limitMillis: number,
		readonly timeoutMillis: number,
	) {
		super(
			`Glean did not finish answering within ${limitMillis} ms (the ${timeoutMillis} ms timeout plus a margin)`,
		);
		this.name = 'ClientTimeoutError';
	}
}

export class Deadline {
	readonly limitMillis: number;

	/** Resolves with the timeout error when time is up; never settles once stopped. */
	readonly expired: Promise<ClientTimeoutError>;

	private readonly stopper = new AbortController();

	constructor(readonly timeoutMillis: number) {
		this.limitMillis = clientLimitMillis(timeoutMillis);
		// n8n's sleep (timers are banned in community nodes): it ends quietly when stop() aborts it.
		this.expired = abortableSleep(this.limitMillis, this.stopper.signal).then(
			() => new ClientTimeoutError(this.limitMillis, this.timeoutMillis),
			async () => await new Promise<never>(() => {}),
		);
	}

	/** Rejects with the timeout error when the deadline passes before `work` settles. */
	async race<T>(work: Promise<T>): Promise<T> {
		return await Promise.race([
			work,
			this.expired.then((error) => {
				throw error;
			}),
		]);
	}

	stop(): void {
		this.stopper.abort();
	}
}

/**
 * Fails when no byte has arrived for `idleMillis`. One timer, re-armed only when it wakes, so
 * reading a stream of many small chunks costs one timestamp per chunk.
 */
class SilenceWatch {
	/** Resolves with the silence error once the stream has been quiet too long; never settles once stopped. */
	readonly silent: Promise<SilenceError>;

	private lastActivity = Date.now();

	private readonly stopper = new AbortController();

	constructor(private readonly idleMillis: number) {
		this.silent = this.watch().catch(async () => await new Promise<never>(() => {}));
	}

	touch(): void {
		this.lastActivity = Date.now();
	}

	stop(): void {
		this.stopper.abort();
	}

	private async watch(): Promise<SilenceError> {
		for (;;) {
			const wait = this.lastActivity + this.idleMillis - Date.now();
			if (wait <= 0) return new SilenceError(this.idleMillis);
			await abortableSleep(wait, this.stopper.signal);
		}
	}
}

/** What guardStream needs besides the stream. */
export interface StreamGuard {
	deadline?: Deadline;
	idleMillis: number;
	/** Called when reading stops before the end: closes the request. */
	abandon?: () => void;
	/** Called once reading is over, however it ended. */
	release?: () => void;
}

/**
 * A response stream as the operations read it: a read fails with ClientTimeoutError once the
 * deadline (when there is one) passes, or with SilenceError once no byte has come for
 * `idleMillis`. Destroying n8n's response stream only takes effect at its next chunk, which a
 * stalled server never sends, and the HTTP client's idle timeout does not cover a body; so the
 * pending read itself is failed. (Racing each read against the long-lived limit promises would
 * leave one reaction per chunk on them, keeping every chunk alive until the stream ends.)
 * Finishing or stopping early releases the timers and the connection: stopping before the end
 * also calls `abandon`, which closes the request (destroying n8n's response stream alone leaves
 * the socket open), also when the reader stops before its first read.
 */
export function guardStream(
	stream: ByteStream & { destroy?: (error?: Error) => void },
	guard: StreamGuard,
): ByteStream {
	let cleanedUp = false;
	let started = false;
	const cleanUp = (ended: boolean) => {
		if (cleanedUp) return;
		cleanedUp = true;
		guard.deadline?.stop();
		stream.destroy?.();
		if (!ended) guard.abandon?.();
		guard.release?.();
	};
	const chunks = readWithin(stream, guard, cleanUp, () => (started = true));
	return {
		[Symbol.asyncIterator]: () => ({
			next: async () => await chunks.next(),
			// A generator stopped before it started skips its own `finally`.
			return: async () => {
				if (!started) cleanUp(false);
				return await chunks.return(undefined);
			},
		}),
	};
}

async function* readWithin(
	stream: ByteStream,
	{ deadline, idleMillis }: StreamGuard,
	cleanUp: (ended: boolean) => void,
	onStart: () => void,
): AsyncGenerator<Uint8Array, undefined> {
	onStart();
	const chunks = stream[Symbol.asyncIterator]();
	const silence = new SilenceWatch(idleMillis);
	let limitReached: Error | undefined;
	let failPendingRead: ((error: Error) => void) | undefined;
	const reach = (error: Error) => {
		limitReached ??= error;
		failPendingRead?.(error);
	};
	void silence.silent.then(reach);
	void deadline?.expired.then(reach);
	let ended = false;
	try {
		for (;;) {
			const next = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
				if (limitReached) return reject(limitReached);
				failPendingRead = reject;
				chunks.next().then(resolve, reject);
			});
			failPendingRead = undefined;
			if (next.done) {
				ended = true;
				return undefined;
			}
			silence.touch();
			yield next.value;
		}
	} finally {
		failPendingRead = undefined;
		silence.stop();
		cleanUp(ended);
	}
}
