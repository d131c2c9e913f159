/**
 * Keeps the API token out of everything users see: error text, output items, streamed
 * chunks and logs. Glean may echo the Authorization header back in an error, or a document
 * may contain the token; either way it is replaced by `[redacted]`.
 */

export const REDACTED = '[redacted]';

/** The token as it may appear in text: as is, URL-encoded, and escaped inside a JSON string. */
function secretForms(token: string): string[] {
	const secret = token.trim();
	if (secret === '') return [];
	return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

// A bearer value after a space, %20 or + (URL forms), up to a delimiter.
const BEARER_VALUE = /(Bearer(?:\s+|%20|\+))(?!\[redacted\])[^\s"',;&<>]+/gi;

/**
 * Removes every occurrence of the token (substrings included: secrecy wins over a garbled word
 * when a token is absurdly short) and any bearer value. Always redact before cutting text short,
 * so no prefix of the token survives the cut.
 */
export function redact(text: string, token: string): string {
	let result = text;
	for (const form of secretForms(token)) {
		if (result.includes(form)) result = result.split(form).join(REDACTED);
	}
	return result.replace(BEARER_VALUE, `$1${REDACTED}`);
}

/**
 * `redact` applied to every string inside a JSON value. Returns the same value (no copy) when
 * nothing contains the token, which is the case the output path is optimised for.
 */
export function redactDeep<T>(value: T, token: string): T {
	const forms = secretForms(token);
	if (forms.length === 0) return value;
	const walk = (current: unknown): unknown => {
		if (typeof current === 'string') {
			return forms.some((form) => current.includes(form)) ? redact(current, token) : current;
		}
		if (Array.isArray(current)) {
			let copy: unknown[] | undefined;
			current.forEach((entry, index) => {
				const next = walk(entry);
				if (next !== entry) (copy ??= [...current])[index] = next;
			});
			return copy ?? current;
		}
		if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current)) {
			let copy: Record<string, unknown> | undefined;
			for (const [key, entry] of Object.entries(current)) {
				const next = walk(entry);
				if (next !== entry) (copy ??= { ...(current as Record<string, unknown>) })[key] = next;
			}
			return copy ?? current;
		}
		return current;
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

	private readonly secret: string;

	constructor(private readonly token: string) {
		this.secret = token.trim();
	}

	/** The text that can be forwarded now. */
	push(piece: string): string {
		if (this.secret === '') return piece;
		const text = redact(this.held + piece, this.token);
		const keep = this.possibleTokenStart(text);
		this.held = text.slice(text.length - keep);
		return text.slice(0, text.length - keep);
	}

	/** What is still held at the end of the stream. */
	flush(): string {
		const rest = this.held;
		this.held = '';
		return rest;
	}

	/** The length of the longest end of `text` that is a proper beginning of the token. */
	private possibleTokenStart(text: string): number {
		const window = Math.min(this.secret.length - 1, text.length);
		// Only places holding the token's first character can start it.
		for (
			let start = text.indexOf(this.secret[0], text.length - window);
			start !== -1;
			start = text.indexOf(this.secret[0], start + 1)
		) {
			if (this.secret.startsWith(text.slice(start))) return text.length - start;
		}
		return 0;
	}
}
