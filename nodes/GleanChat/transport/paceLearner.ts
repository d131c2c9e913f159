/**
 * How fast Glean lets one user call one endpoint, learned from its answers. Pure: times come in
 * as arguments (milliseconds), so tests run it in virtual time; rates are requests per second.
 *
 * Glean limits requests per user with a token bucket (`/chat`: about 0.5 requests per second
 * and a small burst; docs/performance.md) and never says the rate: a 429 says only that the
 * bucket is empty now, and its Retry-After, when there is one, when to try again. Glean refuses
 * before doing anything, so a 429 comes back at once: a request sent and not refused soon after
 * was let through. So the rate is learned, the way TCP learns a network's:
 * - Until Glean first refuses, nothing is paced: Concurrency alone decides.
 * - Everyone waits the first refusal out; then the rate starts from how many requests Glean let
 *   through until then, spread over the time until the wait ends, and rises fast (+50% per
 *   accepted request) to look for the limit.
 * - The refusal that ends the rise sets the rate to what Glean let through since the refusal
 *   before, and a target between that and the pace refused, which the rate comes back up to
 *   quickly. A later refusal lowers the rate 10% below the pace refused, more when Glean refuses
 *   again soon after.
 * - Accepted requests raise the rate slowly (+0.3% each) to follow a limit that rises.
 * - The rate never rises more than twice past how fast requests really started in the current
 *   busy stretch (no gap of 2 s and 4 intervals between them), so a run held back by its
 *   Concurrency cannot talk itself into a rate it never tried, and the quiet time between two
 *   runs is never taken for a slow rate.
 * - Refusals with nothing let through since the one before (a retry meeting Glean's limit again,
 *   an overloaded Glean) leave the rate alone: the retries' own backoff spaces those.
 */
export class PaceLearner {
	/** Requests per second to keep to; 0 while not pacing (no refusal seen, or waiting it out). */
	rate = 0;

	/** Rising fast after the first refusal, until the next one. */
	private rising = false;

	/** Where the rate comes back up to quickly after a refusal. */
	private target = 0;

	/** Requests accepted since the latest refusal. */
	private streak = 0;

	/** Send times of the latest requests. */
	private readonly sent: number[] = [];

	/** Send times of the latest refused requests. */
	private readonly refused: number[] = [];

	/** Send times of the refusals learned from (the latest ones). */
	private readonly learned: number[] = [];

	/** When the latest refusal was learned: refusals of requests sent before then are old news. */
	private learnedAt = -Infinity;

	/** When the current busy stretch began: start rates span no idle gap (e.g. between runs). */
	private stretchStart = -Infinity;

	/** After the first refusal: everyone waits until `until`, then the rate starts. */
	private waiting: { until: number; refusedSentAt: number } | undefined;

	/** Glean's burst, estimated when the first refusal has been waited out. */
	private burstEstimate = 1;

	/** A request starts (is sent) at `at`. */
	started(at: number): void {
		const last = this.sent.at(-1);
		const idle = Math.max(IDLE_MILLIS, this.rate > 0 ? (IDLE_INTERVALS * 1000) / this.rate : 0);
		if (last === undefined || at - last > idle) this.stretchStart = at;
		remember(this.sent, at, KEPT);
	}

	/** The rate at `now` (requests per second; 0: not pacing). */
	rateAt(now: number): number {
		if (this.waiting && now >= this.waiting.until) this.startRising();
		return this.rate;
	}

	/** Glean let the request sent at `sentAt` through (it answered anything but 429). */
	acceptedAt(sentAt: number, now: number): void {
		if (this.rateAt(now) === 0 || sentAt <= this.learnedAt) return;
		this.streak++;
		let factor = 1 + RISE_FAST;
		if (!this.rising) {
			const recovering =
				this.rate < this.target ? Math.min(this.target / this.rate, 1 + RECOVER * this.streak) : 1;
			// Slowly near the limit found, faster the longer Glean has not refused: a limit that
			// rose (or a rate lowered too far, e.g. while Glean was overloaded) is found again.
			const following = 1 + RISE_SLOW * 2 ** (this.streak / STREAK_DOUBLING);
			factor = Math.max(following, recovering);
		}
		// Only a rate requests really went near is raised further (see the class comment).
		const tried = this.startRate(now, this.stretchStart) ?? 0;
		this.rate = Math.max(this.rate, Math.min(this.rate * factor, 2 * tried));
	}

	/** Glean did not say whether its limit let the request sent at `sentAt` through. */
	unjudgedAt(sentAt: number): void {
		// Counted with the refused, so it is not taken for one let through.
		remember(this.refused, sentAt, KEPT);
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
		remember(this.refused, sentAt, KEPT);
		if (sentAt <= this.learnedAt) return 'stale';
		this.learnedAt = now;
		this.streak = 0;
		const previous = this.learned.at(-1);
		remember(this.learned, sentAt, LEARNED_KEPT);
		if (previous === undefined) {
			this.waiting = { until: now + waitMillis, refusedSentAt: sentAt };
			return 'first';
		}
		this.rateAt(now);
		// The pace really refused: requests may have gone slower than the rate (Concurrency).
		const went = this.startRate(now, Math.max(previous, this.stretchStart)) ?? Infinity;
		const refused = Math.min(rateAtSend > 0 ? rateAtSend : this.rate, went);
		// The refusal before ended an earlier busy stretch: what got through since spans a quiet
		// while (Glean's bucket refilled), so it says nothing of the rate; step down instead.
		if (this.rising && previous >= this.stretchStart) {
			// What Glean let through since its refusal before: its bucket held less than one token
			// at both refusals, so the n let through took n ± 1 tokens.
			const through =
				(this.passed(previous, sentAt) + 0.5) / Math.max((sentAt - previous) / 1000, 0.001);
			this.rate = Math.min(through, refused);
			this.target = Math.max(this.rate, Math.sqrt(this.rate * refused));
		} else if (this.passed(previous, sentAt) > 0) {
			// Refused again soon (few let through since the last refusal): far too fast.
			const soon = 1 / (this.passed(previous, sentAt) + 2);
			this.rate = Math.min(this.rate, refused * (1 - Math.max(STEP_DOWN, soon)));
			this.target = refused * (1 - STEP_DOWN);
		}
		// Nothing let through since the refusal before: Glean is still refusing (a retry met it
		// again, or Glean is overloaded). The retries' own backoff spaces those; the pace keeps
		// the rate it learned from requests that got through.
		this.rate = Math.max(this.rate, MIN_RATE);
		this.rising = false;
		return 'learned';
	}

	/**
	 * How many requests may go back to back after a quiet while: Glean's burst, estimated from
	 * how many it let through before its first refusal beyond what the rate explains; 1 while
	 * the rate is still being found.
	 */
	burst(): number {
		return this.rising || this.rate === 0 ? 1 : this.burstEstimate;
	}

	/** The first refusal has been waited out: start from what Glean let through until then. */
	private startRising(): void {
		const { until, refusedSentAt } = this.waiting!;
		this.waiting = undefined;
		// The busy stretch the refusal ended: earlier runs' requests say nothing of Glean's bucket now.
		const since = Math.min(this.stretchStart, refusedSentAt);
		const accepted = this.passed(since - 1, until);
		this.rate = Math.max(accepted, 1) / Math.max((until - since) / 1000, 0.001);
		const blindMillis = refusedSentAt - since;
		this.burstEstimate = Math.max(1, Math.floor(accepted - (this.rate * blindMillis) / 1000));
		this.rising = true;
	}

	/** Requests sent in (from, to) and not refused. */
	private passed(from: number, to: number): number {
		const inside = (list: number[]) => list.filter((at) => at > from && at < to).length;
		return inside(this.sent) - inside(this.refused);
	}

	/** Requests started per second lately (from `since` on; undefined until there are two). */
	private startRate(now: number, since: number): number | undefined {
		const recent = this.sent.slice(-RECENT_STARTS).filter((at) => at >= since);
		if (recent.length < 2) return undefined;
		const span = Math.max(now, recent[recent.length - 1]) - recent[0];
		return (recent.length - 1) / Math.max(span / 1000, 0.001);
	}
}

/** Per accepted request: +50% while looking for the limit, +0.3% while following it. */
const RISE_FAST = 0.5;
const RISE_SLOW = 0.003;
/** …and the +0.3% doubles every this many requests accepted in a row. */
const STREAK_DOUBLING = 15;
/** Back under a limit found again: 10% below the pace refused. */
const STEP_DOWN = 0.1;
/** Coming back up to the target: +1% per request accepted since the refusal, and growing. */
const RECOVER = 0.01;
/** Never slower than one request a minute. */
const MIN_RATE = 1 / 60;
const RECENT_STARTS = 6;
/** A gap between two requests longer than this many intervals (and 2 s) ends a busy stretch. */
const IDLE_INTERVALS = 4;
const IDLE_MILLIS = 2000;
/** Requests remembered (sent, refused): enough for the time between two refusals. */
const KEPT = 512;
const LEARNED_KEPT = 8;

function remember(list: number[], value: number, keep: number): void {
	list.push(value);
	if (list.length > keep) list.shift();
}
