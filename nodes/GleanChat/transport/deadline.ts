import { sleep } from 'n8n-workflow';

import type { ByteStream } from './index';

/**
 * The client's own limit on one call to Glean. Glean enforces `timeoutMillis` itself and
 * answers 408; the client gives up a little later, so a server that never answers, or stalls
 * in the middle of a stream, cannot hold a workflow forever.
 */

/** How long after Glean's own timeout the client gives up: 10% of it, between 250 ms and 5 s. */
export function clientLimitMillis(timeoutMillis: number): number {
	return timeoutMillis + Math.min(5_000, Math.max(250, Math.round(timeoutMillis / 10)));
}

export class ClientTimeoutError extends Error {
	constructor(readonly limitMillis: number, readonly timeoutMillis: number) {
		super(`Glean did not finish answering within ${limitMillis} ms (the ${timeoutMillis} ms timeout plus a margin)`);
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
		// n8n's sleep, not setTimeout: it ends quietly when stop() aborts it.
		this.expired = sleep(this.limitMillis, this.stopper.signal).then(
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

	/**
	 * The stream, failing with the timeout error once the deadline passes. Each read races the
	 * deadline: destroying n8n's response stream only takes effect at its next chunk, which a
	 * stalled server never sends. Finishing or stopping early releases the timer and the
	 * connection.
	 */
	async *guard(stream: ByteStream & { destroy?: (error?: Error) => void }): ByteStream {
		const chunks = stream[Symbol.asyncIterator]();
		try {
			for (;;) {
				const next = await this.race(chunks.next());
				if (next.done) return;
				yield next.value;
			}
		} finally {
			this.stop();
			stream.destroy?.();
		}
	}

	stop(): void {
		this.stopper.abort();
	}
}
