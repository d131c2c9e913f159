/**
 * Keeps the credential's secrets (the API token; with OAuth2 the access and refresh tokens and
 * the client secret) out of everything users see: error text, output items, streamed chunks
 * and logs. Glean may echo the Authorization header back in an error, or a document may
 * contain the token; either way it is replaced by `[redacted]`.
 */

export const REDACTED = '[redacted]';

/** One secret, or several (an OAuth2 credential's). Empty strings are ignored. */
export type Secrets = string | readonly string[];

/** What secretsOf last worked out for a list: a run's list only grows (credential.ts), so its length tells it changed. */
const formsOfList = new WeakMap<
	readonly string[],
	{ length: number; trimmed: string[]; forms: string[] }
>();

/** The secrets, trimmed, without empty ones; for a list, worked out again only when it has grown. */
function secretsOf(secrets: Secrets): { trimmed: string[]; forms: string[] } {
	if (typeof secrets === 'string') return workedOut([secrets]);
	let known = formsOfList.get(secrets);
	if (!known || known.length !== secrets.length) {
		known = { length: secrets.length, ...workedOut(secrets) };
		formsOfList.set(secrets, known);
	}
	return known;
}

/** The secrets as they may appear in text: as is, URL-encoded, and escaped inside a JSON string. */
function workedOut(secrets: readonly string[]): { trimmed: string[]; forms: string[] } {
	const trimmed = secrets.map((secret) => secret.trim()).filter((secret) => secret !== '');
	const forms = new Set<string>();
	for (const secret of trimmed)
		forms.add(secret).add(encodeURIComponent(secret)).add(JSON.stringify(secret).slice(1, -1));
	// Longest first, so a secret containing another is replaced whole.
	return { trimmed, forms: [...forms].sort((a, b) => b.length - a.length) };
}

// A bearer value after a space, %20 or + (URL forms), up to a delimiter.
const BEARER_VALUE = /(Bearer(?:\s+|%20|\+))(?!\[redacted\])[^\s"',;&<>]+/gi;

/**
 * Removes every occurrence of the token (substrings included: secrecy wins over a garbled word
 * when a token is absurdly short) and any bearer value. Always redact before cutting text short,
 * so no prefix of the token survives the cut.
 */
export function redact(text: string, token: Secrets): string {
	let result = text;
	for (const form of secretsOf(token).forms) {
		if (result.includes(form)) result = result.split(form).join(REDACTED);
	}
	return result.replace(BEARER_VALUE, `$1${REDACTED}`);
}

/**
 * `redact` applied to every string inside a JSON value. Returns the same value (no copy) when
 * nothing contains the token, which is the case the output path is optimised for.
 */
export function redactDeep<T>(value: T, token: Secrets): T {
	const { forms } = secretsOf(token);
	if (forms.length === 0) return value;
	// Objects on the current path: a cycle (possible in an error's context) is walked once.
	const path = new WeakSet<object>();
	const walk = (current: unknown): unknown => {
		if (typeof current === 'object' && current !== null) {
			if (path.has(current)) return current;
			path.add(current);
			try {
				return walkObject(current);
			} finally {
				path.delete(current);
			}
		}
		if (typeof current === 'string') {
			return forms.some((form) => current.includes(form)) ? redact(current, token) : current;
		}
		return current;
	};
	const walkObject = (current: object): unknown => {
		if (Array.isArray(current)) {
			let copy: unknown[] | undefined;
			current.forEach((entry, index) => {
				const next = walk(entry);
				if (next !== entry) (copy ??= [...current])[index] = next;
			});
			return copy ?? current;
		}
		if (Buffer.isBuffer(current)) return current;
		let copy: Record<string, unknown> | undefined;
		for (const [key, entry] of Object.entries(current)) {
			const next = walk(entry);
			if (next !== entry) (copy ??= { ...(current as Record<string, unknown>) })[key] = next;
		}
		return copy ?? current;
	};
	return walk(value) as T;
}

/**
 * Redacts text that arrives in pieces (an answer streamed live): a piece may end with the
 * start of the token, so that much is held back until the next piece shows whether the token
 * follows. Nothing else is delayed.
 */
export class StreamRedactor {
	private held = '';

	/** `token` may be the run's list, which grows after a refresh (credential.ts): it is read at every piece. */
	constructor(private readonly token: Secrets) {}

	/** The text that can be forwarded now. */
	push(piece: string): string {
		const secrets = secretsOf(this.token).trimmed;
		if (secrets.length === 0) return piece;
		const text = redact(this.held + piece, this.token);
		const keep = Math.max(...secrets.map((secret) => possibleStart(text, secret)));
		this.held = text.slice(text.length - keep);
		return text.slice(0, text.length - keep);
	}

	/** What is still held at the end of the stream. */
	flush(): string {
		const rest = this.held;
		this.held = '';
		return rest;
	}
}

/** The length of the longest end of `text` that is a proper beginning of `secret`. */
function possibleStart(text: string, secret: string): number {
	const window = Math.min(secret.length - 1, text.length);
	// Only places holding the secret's first character can start it.
	for (
		let start = text.indexOf(secret[0], text.length - window);
		start !== -1;
		start = text.indexOf(secret[0], start + 1)
	) {
		if (secret.startsWith(text.slice(start))) return text.length - start;
	}
	return 0;
}
