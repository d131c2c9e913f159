import * as n8nWorkflow from 'n8n-workflow';

/**
 * Waits `millis` ms; rejects with the signal's reason as soon as `signal` aborts. Community nodes
 * may not use timers, so this is n8n's own wait: n8n-workflow 2.x's `sleep(ms, signal)`.
 * n8n-workflow 1.x's `sleep` ignores a signal (its timer would outlive a cancelled execution);
 * its `sleepWithAbort` stops, but rejects with its own error and leaves its listener on the
 * signal after a wait that ran out: on 1.x each wait gets a signal of its own. (An n8n-workflow
 * older than 1.120 may have neither; there a wait runs its full time, as n8n's own nodes' do.)
 */
export type AbortableSleep = (millis: number, signal: AbortSignal) => Promise<void>;

const sleepWithAbort = (n8nWorkflow as { sleepWithAbort?: AbortableSleep }).sleepWithAbort;

export const abortableSleep: AbortableSleep = sleepWithAbort
	? async (millis, signal) => {
			signal.throwIfAborted();
			const own = new AbortController();
			const stop = () => own.abort();
			signal.addEventListener('abort', stop, { once: true });
			try {
				await sleepWithAbort(millis, own.signal);
			} catch (error) {
				throw signal.aborted ? signal.reason : error;
			} finally {
				signal.removeEventListener('abort', stop);
			}
		}
	: async (millis, signal) => await n8nWorkflow.sleep(millis, signal);
