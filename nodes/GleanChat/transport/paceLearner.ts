/**
 * How fast Glean lets one user call one endpoint, learned from its answers. Pure: times come in
 * as arguments (milliseconds), so tests run it in virtual time; rates are requests per second.
 *
 * Glean limits requests per user with a token bucket (`/chat`: about 0.5 requests per second
 * and a small burst; ../shared/design/glean-wire.md) and never says the rate: a 429 says only
 * that the bucket is empty now, and its Retry-After, when there is one, when to try again. So
 * the rate is learned, the way TCP learns a network's:
 * - Until Glean first refuses, nothing is paced: Concurrency alone decides.
 * - The first refusal seeds the rate from what Glean let through so far, and a quick rise
 *   (+50% per accepted request) looks for the limit.
 * - The refusal that ends the rise sets the rate between the fastest rate proven so far (see
 *   `proven`) and the pace refused. A later refusal, met while following the limit, lowers the
 *   rate 10% below the pace refused, more when Glean refuses again soon after.
 * - Accepted requests raise the rate slowly (+0.3% each) to follow a limit that rises, and
 *   faster while it is below where the last refusal put it.
 * - The rate never runs more than twice ahead of how fast requests really started, so a run
 *   held back by its Concurrency cannot talk itself into a rate it never tried.
 */
export class PaceLearner {
	/** Requests per second to keep to; 0 while not pacing (no refusal seen yet). */
	rate = 0;

	/** Rising fast after the first refusal, until the next one. */
	private rising = false;

	/** Where a rate lowered further than usual comes back up to quickly. */
	private target = 0;

	/** Requests accepted since the latest refusal. */
	private streak = 0;

	/** Send times of accepted requests (the latest ones). */
	private readonly accepted: number[] = [];

	/** Send times of the refusals learned from (the latest ones). */
	private readonly refusals: number[] = [];

	/** Start times of the latest requests, to know how fast requests really went. */
	private readonly starts: number[] = [];

	/** When the latest refusal was learned: refusals of requests sent before then are old news. */
	private learnedAt = -Infinity;

	private firstStart: number | undefined;

	/** Before the first refusal: how many Glean let through, and over how long (for `burst`). */
	private blind: { accepted: number; millis: number } | undefined;

	/** A request starts (is sent) at `at`. */
	started(at: number): void {
		this.firstStart ??= at;
		remember(this.starts, at, RECENT_STARTS);
	}

	/** Glean let the request sent at `sentAt` through (it answered anything but 429). */
	acceptedAt(sentAt: number, now: number): void {
		remember(this.accepted, sentAt, ACCEPTED_KEPT);
		if (this.rate === 0) return;
		this.streak++;
		let factor = 1 + RISE_FAST;
		if (!this.rising) {
			const recovering =
				this.rate < this.target ? Math.min(this.target / this.rate, 1 + RECOVER * this.streak) : 1;
			factor = Math.max(1 + RISE_SLOW, recovering);
		}
		const raised = Math.min(this.rate * factor, 2 * this.startRate(now));
		this.rate = Math.max(this.rate, this.proven(now), raised);
	}

	/**
	 * Glean refused (429) the request sent at `sentAt`, when the rate was `rateAtSend`; its retry
	 * waits `waitMillis`. Returns `first` for the first refusal (everyone should wait it out:
	 * nothing is known yet), `learned` when the rate was lowered, `stale` for a refusal of a
	 * request sent before the last one was learned (already accounted for).
	 */
	refusedAt(
		sentAt: number,
		rateAtSend: number,
		now: number,
		waitMillis: number,
	): 'first' | 'learned' | 'stale' {
		if (sentAt <= this.learnedAt) return 'stale';
		this.learnedAt = now;
		this.streak = 0;
		const previous = this.refusals.at(-1);
		remember(this.refusals, sentAt, REFUSALS_KEPT);
		if (this.rate === 0) {
			const accepted = this.acceptedSince(-Infinity, now);
			const since = this.firstStart ?? sentAt;
			this.blind = { accepted, millis: sentAt - since };
			// All that got through, spread over the time until the pause ends: a safe start.
			this.rate = Math.max(accepted, 1) / Math.max((now + waitMillis - since) / 1000, 0.001);
			this.rising = true;
			return 'first';
		}
		// The pace really refused: requests may have gone slower than the rate (Concurrency).
		const refused = Math.min(rateAtSend > 0 ? rateAtSend : this.rate, this.startRate(now));
		const floor = this.proven(sentAt, true);
		let guess: number;
		if (this.rising) {
			guess = floor > 0 ? Math.sqrt(floor * refused) : refused * 0.85;
			this.target = guess;
		} else {
			// Refused again soon (few let through since the last refusal): far too fast.
			const soon = 1 / (this.acceptedSince(previous ?? sentAt, sentAt) + 2);
			guess = refused * (1 - Math.max(STEP_DOWN, soon));
			this.target = refused * (1 - STEP_DOWN);
		}
		this.rate = Math.max(floor, Math.min(this.rate, refused, guess));
		this.rising = false;
		return 'learned';
	}

	/**
	 * How many requests may go back to back after a quiet while: Glean's burst, estimated from
	 * how many it let through before its first refusal beyond what the rate explains; 1 while
	 * the rate is still being found.
	 */
	burst(): number {
		if (this.rising || this.rate === 0 || !this.blind) return 1;
		return Math.max(1, Math.floor(this.blind.accepted - (this.rate * this.blind.millis) / 1000));
	}

	/**
	 * The fastest rate Glean is proven to allow: after a refusal at `f` its bucket held less than
	 * one token, so `n` accepted requests sent in (f, t] needed more than n − 1 new tokens, which
	 * took Glean (t − f) at least. `beforeLatest`: only refusals before the latest one.
	 */
	private proven(at: number, beforeLatest = false): number {
		const refusals = beforeLatest ? this.refusals.slice(0, -1) : this.refusals;
		let best = 0;
		for (const refusal of refusals) {
			const accepted = this.acceptedSince(refusal, at);
			if (accepted >= (beforeLatest ? 2 : 3) && at > refusal) {
				best = Math.max(best, (accepted - 1) / ((at - refusal) / 1000));
			}
		}
		return best;
	}

	/** Accepted requests sent in (from, to]. */
	private acceptedSince(from: number, to: number): number {
		let count = 0;
		for (const sentAt of this.accepted) if (sentAt > from && sentAt <= to) count++;
		return count;
	}

	/** Requests started per second lately (Infinity until there are two). */
	private startRate(now: number): number {
		const count = this.starts.length;
		if (count < 2) return Infinity;
		const span = Math.max(now, this.starts[count - 1]) - this.starts[0];
		return (count - 1) / Math.max(span / 1000, 0.001);
	}
}

/** Per accepted request: +50% while looking for the limit, +0.3% while following it. */
const RISE_FAST = 0.5;
const RISE_SLOW = 0.003;
/** Back under a limit found again: 10% below the pace refused. */
const STEP_DOWN = 0.1;
/** Coming back up after a bigger step down: +1% per request accepted since, and growing. */
const RECOVER = 0.01;
const RECENT_STARTS = 6;
const ACCEPTED_KEPT = 256;
const REFUSALS_KEPT = 8;

function remember(list: number[], value: number, keep: number): void {
	list.push(value);
	if (list.length > keep) list.shift();
}
