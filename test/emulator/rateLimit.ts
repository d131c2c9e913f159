/**
 * Glean's rate limit as the emulator plays it: a token bucket per user (token + Act As), as
 * glean-wire.md describes `/chat`'s (about 0.5 requests per second, a small burst). A refused
 * request takes no token. Retry-After, when sent, is the whole seconds until the next token
 * (at least 1), as an HTTP server rounds it.
 */
export interface RateLimit {
	/** Tokens added per second. */
	perSecond: number;
	/** The bucket's size: requests that may go back to back after a quiet while. */
	burst: number;
	/** Send Retry-After with each 429 (default true). */
	retryAfter?: boolean;
	/** Endpoints limited (default: `chat`). */
	endpoints?: string[];
}

export class TokenBuckets {
	private readonly buckets = new Map<string, { tokens: number; at: number }>();

	constructor(
		readonly limit: RateLimit,
		private readonly now: () => number = () => performance.now(),
	) {}

	/** Takes a token for `user` calling `endpoint`: undefined if there was one, else the 429's headers. */
	refusal(user: string, endpoint: string): Record<string, string> | undefined {
		if (!(this.limit.endpoints ?? ['chat']).includes(endpoint)) return undefined;
		const now = this.now();
		const bucket = this.buckets.get(user) ?? { tokens: this.limit.burst, at: now };
		bucket.tokens = Math.min(
			this.limit.burst,
			bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
		);
		bucket.at = now;
		this.buckets.set(user, bucket);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			return undefined;
		}
		if (this.limit.retryAfter === false) return {};
		const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond));
		return { 'Retry-After': String(seconds) };
	}
}
