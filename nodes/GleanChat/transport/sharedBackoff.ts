import type { IExecuteFunctions } from 'n8n-workflow';

import { retryClock } from './retry';

/**
 * One backoff shared by the requests of a node run that count against the same Glean rate
 * limit (Glean counts per user: the token's, or the Act As user's). When one of them is told
 * to back off (429, 503), all of them wait. So that they do not then all start at the same
 * instant and trip the limit again, each also waits a random share of a window as long as the
 * pause times the number of other requests waiting: if the limit let one request through per
 * pause, that spreads them out at about its pace. A lone request waits exactly what it was told.
 */
export class SharedBackoff {
	private openAt = 0;

	private spread = 0;

	/** Requests of this run and user currently being sent (including their waits). */
	private active = 0;

	enter(): void {
		this.active++;
	}

	leave(): void {
		this.active--;
	}

	backOff(waitMillis: number): void {
		const until = retryClock.now() + waitMillis;
		if (until > this.openAt) {
			this.openAt = until;
			this.spread = waitMillis * (this.active - 1);
		}
	}

	/** How long a request must still wait before it may be sent (0: go now). */
	delay(): number {
		const remaining = this.openAt - retryClock.now();
		if (remaining <= 0) return 0;
		return remaining + Math.round(retryClock.random() * this.spread);
	}
}

const backoffs = new WeakMap<IExecuteFunctions, Map<string, SharedBackoff>>();

/** The backoff of this node run (its execution context) for one Glean user. */
export function sharedBackoff(context: IExecuteFunctions, user: string): SharedBackoff {
	let byUser = backoffs.get(context);
	if (!byUser) backoffs.set(context, (byUser = new Map()));
	let backoff = byUser.get(user);
	if (!backoff) byUser.set(user, (backoff = new SharedBackoff()));
	return backoff;
}
