import { retryClock } from './retry';

/**
 * The waits of the requests in one pace's line (pace.ts): the first in line sleeps until its
 * turn, the others until something changes; `wakeAll` ends every wait (the head or the rate
 * changed) and a cancel ends its own. Each wait has a signal of its own, and each cancel signal
 * gets one listener however many requests wait on it, so a long line adds no listeners to a
 * shared signal (Node warns past ten).
 */
export class Waits {
	private readonly wakers = new Set<() => void>();

	private readonly onCancel = new WeakMap<AbortSignal, Set<() => void>>();

	/** Waits `millis` (undefined: until woken); ends early, without an error, when woken or cancelled. */
	async until(millis: number | undefined, signal: AbortSignal): Promise<void> {
		const stop = new AbortController();
		const wake = () => stop.abort();
		this.wakers.add(wake);
		const forget = this.wakeOnCancel(signal, wake);
		try {
			if (millis !== undefined) await retryClock.sleep(millis, stop.signal).catch(() => undefined);
			else if (!stop.signal.aborted)
				await new Promise<void>((resolve) =>
					stop.signal.addEventListener('abort', () => resolve(), { once: true }),
				);
		} finally {
			this.wakers.delete(wake);
			forget();
		}
	}

	/** Ends every wait. */
	wakeAll(): void {
		const wakers = [...this.wakers];
		this.wakers.clear();
		for (const wake of wakers) wake();
	}

	/** Calls `wake` when `signal` aborts, through one listener per signal; returns the undo. */
	private wakeOnCancel(signal: AbortSignal, wake: () => void): () => void {
		if (signal.aborted) {
			wake();
			return () => undefined;
		}
		let wakers = this.onCancel.get(signal);
		if (!wakers) {
			const all = new Set<() => void>();
			wakers = all;
			this.onCancel.set(signal, all);
			signal.addEventListener('abort', () => [...all].forEach((each) => each()), { once: true });
		}
		wakers.add(wake);
		return () => wakers.delete(wake);
	}
}
