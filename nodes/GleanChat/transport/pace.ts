import { createHash } from 'node:crypto';

import { PaceLearner } from './paceLearner';
import { retryClock } from './retry';
import { Waits } from './waits';

/**
 * The pace of one Glean user's requests to one endpoint, shared by every run of the node in
 * this n8n process (a workflow scheduled every minute, two executions at once): requests take
 * turns in arrival order, spaced by a client-side token bucket at the rate PaceLearner learned
 * (or the node's "Max Requests per Minute"), so a batch keeps to Glean's limit instead of being
 * refused and pausing. Paces are kept for at most MAX_PACES users and forgotten after
 * FORGET_AFTER_MILLIS without a request. Other n8n processes (queue-mode workers) pace on their own.
 */

/** One request's turn: when it went, and the rate then (the learner needs both). */
export interface Turn {
	readonly sentAt: number;
	readonly rate: number;
	/** Milliseconds it waited first in line (behind other requests it waited as if not started). */
	readonly waitedMillis: number;
}

/** Waiting for a turn would take longer than the item may still wait. */
export interface TooLong {
	/** The wait still to come, in milliseconds. */
	readonly tooLongMillis: number;
	/** What was left of the item's wait limit, in milliseconds. */
	readonly leftMillis: number;
	/** Milliseconds it waited first in line before giving up. */
	readonly waitedMillis: number;
	/** Requests per minute the pace keeps to. */
	readonly perMinute: number;
	/** Everyone waits out Glean's first 429 or a 503 (the wait is that pause, not the pace). */
	readonly paused: boolean;
}

export class Pace {
	readonly learner = new PaceLearner();

	/** Client-side token bucket: tokens at `tokensAt`. Starts with one, so the first request goes at once. */
	private tokens = 1;

	private tokensAt = 0;

	/** Nobody goes before this (after the first 429, and after a 503). */
	private pausedUntil = 0;

	private readonly queue: object[] = [];

	/** Waits end whenever the head of the queue or the rate changes. */
	private readonly waits = new Waits();

	/** Calls using this pace now (waiting in line, sent, or waiting to try again). */
	private users = 0;

	/** When a request last asked for a turn, went or was answered. */
	lastUsed = retryClock.now();

	/**
	 * Waits for the turn of one request and returns it. `perMinute` is the node's explicit
	 * limit (undefined: learn it). Waiting behind earlier requests is like waiting to start (the
	 * item pool's order, at any Concurrency); once first in line, the wait counts against
	 * `maxWaitMillis`, and TooLong comes back at once rather than wait beyond it. The wait stops
	 * at once when `signal` aborts (its reason is thrown).
	 */
	async turn(
		signal: AbortSignal,
		maxWaitMillis: number,
		perMinute: number | undefined,
	): Promise<Turn | TooLong> {
		const me = {};
		this.queue.push(me);
		let first: number | undefined;
		try {
			for (;;) {
				signal.throwIfAborted();
				if (this.queue[0] !== me) {
					await this.waits.until(undefined, signal);
					continue;
				}
				const now = retryClock.now();
				first ??= now;
				const rate = this.rateFor(now, perMinute);
				// Whole milliseconds: timers have no finer grain, and a fraction would never pass.
				const wait = Math.ceil(this.waitMillis(now, rate, perMinute) - 0.001);
				const waitedMillis = now - first;
				if (waitedMillis + wait > maxWaitMillis) {
					const leftMillis = Math.max(0, maxWaitMillis - waitedMillis);
					const paused = this.pausedUntil > now;
					return { tooLongMillis: wait, leftMillis, waitedMillis, perMinute: rate * 60, paused };
				}
				if (wait <= 0) return { ...this.take(now, rate, perMinute), waitedMillis };
				await this.waits.until(wait, signal);
			}
		} finally {
			this.queue.splice(this.queue.indexOf(me), 1);
			this.lastUsed = retryClock.now();
			this.waits.wakeAll();
		}
	}

	/** Glean let the request through (it answered, with neither 429 nor 5xx). */
	accepted(turn: Turn): void {
		this.answered();
		this.learner.acceptedAt(turn.sentAt, retryClock.now());
		this.waits.wakeAll();
	}

	/** Glean did not say whether its limit let the request through (a 5xx, or no answer). */
	unjudged(turn: Turn): void {
		this.answered();
		this.learner.unjudgedAt(turn.sentAt);
	}

	/**
	 * Glean refused the request (429); it will try again after `waitMillis` (Glean's Retry-After
	 * or the backoff). Its retry takes a turn like any other request: Retry-After says when
	 * Glean has a token, not that no other request of the user will have taken it by then.
	 */
	refused(turn: Turn, waitMillis: number): void {
		this.answered();
		const now = retryClock.now();
		const learned = this.learner.refusedAt(turn.sentAt, turn.rate, now, waitMillis);
		if (learned === 'first') {
			// Nothing is known yet: everyone waits the refusal out, then one token is there.
			this.pausedUntil = Math.max(this.pausedUntil, now + waitMillis);
			this.tokens = 1;
			this.tokensAt = this.pausedUntil;
		} else if (learned === 'learned') {
			// Glean's bucket is empty now: so is ours.
			this.tokens = 0;
			this.tokensAt = Math.max(now, this.tokensAt);
		}
		this.waits.wakeAll();
	}

	/** Glean is overloaded (503): nobody goes for `waitMillis`. */
	pause(waitMillis: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, retryClock.now() + waitMillis);
		this.waits.wakeAll();
	}

	/** No call uses the pace, and nothing happened since `now − millis`. */
	quietFor(now: number, millis: number): boolean {
		return this.users === 0 && this.queue.length === 0 && now - this.lastUsed >= millis;
	}

	/** A call starts using this pace (so it is not forgotten meanwhile); returns its end. */
	hold(): () => void {
		this.users++;
		let held = true;
		return () => {
			if (held) this.users--;
			held = false;
			this.lastUsed = retryClock.now();
		};
	}

	private answered(): void {
		this.lastUsed = retryClock.now();
	}

	/** Requests per second this request keeps to: the learned rate, or the explicit limit if lower; 0: go at once. */
	private rateFor(now: number, perMinute: number | undefined): number {
		const learned = this.learner.rateAt(now);
		const explicit = perMinute === undefined ? 0 : perMinute / 60;
		if (learned > 0 && explicit > 0) return Math.min(learned, explicit);
		return learned || explicit;
	}

	/** Milliseconds until the head of the queue may go. */
	private waitMillis(now: number, rate: number, perMinute: number | undefined): number {
		const from = Math.max(now, this.pausedUntil);
		if (rate === 0) return from - now;
		const tokens = this.bucketAt(from, rate, perMinute);
		return from - now + (tokens >= 1 ? 0 : ((1 - tokens) * 1000) / rate);
	}

	private take(
		now: number,
		rate: number,
		perMinute: number | undefined,
	): Omit<Turn, 'waitedMillis'> {
		if (rate > 0) {
			this.tokens = this.bucketAt(now, rate, perMinute) - 1;
			this.tokensAt = now;
		}
		this.learner.started(now);
		return { sentAt: now, rate };
	}

	/** The client bucket's tokens at `at` (an explicit limit allows no burst). */
	private bucketAt(at: number, rate: number, perMinute: number | undefined): number {
		const burst = perMinute === undefined ? this.learner.burst() : 1;
		const elapsed = Math.max(0, at - this.tokensAt);
		return Math.min(burst, this.tokens + (rate * elapsed) / 1000);
	}
}

/** At most this many users' paces are kept; the least recently used goes first. */
export const MAX_PACES = 500;

/** A pace unused this long is forgotten: Glean's bucket has long refilled. */
export const FORGET_AFTER_MILLIS = 15 * 60_000;

const paces = new Map<string, Pace>();

/**
 * The pace of `user` (its base URL, caller: the API token or OAuth2 credential, and Act As)
 * calling `endpoint`. The key is a hash, so no token is kept here.
 */
export function paceFor(
	user: { baseUrl: string; caller: string; actAs?: string },
	endpoint: string,
): Pace {
	const key = createHash('sha256')
		// E-mail addresses name the same Glean user whatever their case.
		.update(
			JSON.stringify([
				user.baseUrl,
				user.caller,
				(user.actAs ?? '').toLowerCase(),
				paceGroup(endpoint),
			]),
		)
		.digest('hex');
	const now = retryClock.now();
	let pace = paces.get(key);
	if (pace) paces.delete(key);
	// A pace quiet this long is forgotten even when nothing else swept it out.
	if (!pace || pace.quietFor(now, FORGET_AFTER_MILLIS)) pace = new Pace();
	paces.set(key, pace);
	for (const [oldKey, old] of paces) {
		if (paces.size <= MAX_PACES && !old.quietFor(now, FORGET_AFTER_MILLIS)) break;
		if (old !== pace && old.quietFor(now, 0)) paces.delete(oldKey);
	}
	pace.lastUsed = now;
	return pace;
}

/** Forgets every pace (tests start from a Glean that has never refused). */
export function forgetPaces(): void {
	paces.clear();
}

/**
 * Calls that share a limit: each endpoint on its own, files by their common path, an agent's
 * details and schemas by theirs, and agent runs, waited for or streamed, together (Glean limits
 * "/agents/runs" as one: developers.glean.com, rate limits).
 */
function paceGroup(endpoint: string): string {
	if (endpoint.startsWith('chat-files/')) return 'chat-files/*';
	if (endpoint.startsWith('agents/runs/')) return 'agents/runs';
	if (endpoint.startsWith('agents/') && endpoint !== 'agents/search') return 'agents/*';
	return endpoint;
}
