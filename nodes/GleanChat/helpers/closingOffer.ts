/**
 * Glean's closing offer ("Would you like me to search other documents?"): a last paragraph or
 * line that only offers more help. A scheduled report has nobody to answer it. Pure; knows
 * nothing of n8n.
 */

/** How Glean's offers begin (after any emphasis or bullet): phrasings that only ever offer. */
const OFFER_START =
	/^(would you like|do you want|shall i|should i|let me know if|let me know whether|i can also|i could also|want me to|is there anything else|anything else i can)\b/i;

/**
 * Beginnings that offer only when Glean speaks of itself or of more questions: "If you'd like, I
 * can…" is an offer, "If you need access, write to the IT desk" is advice and stays.
 */
const MAYBE_OFFER_START = /^(if you(?:'d| would)? like|if you want|if you need|feel free to)\b/i;
const ABOUT_MORE_HELP = /\b(me|I|I'll|I'd|I can|ask|questions?)\b/;

/** An offer is short: one or two sentences, no list, no heading, no code, no table. */
const MAX_OFFER_LENGTH = 400;

/**
 * `markdown` without its closing offer, when it ends with one (with the `---` rule before it, if
 * any); otherwise as it is. Only a last paragraph, or the last line of the last paragraph, that
 * is all offer goes; an answer that would be left empty stays whole.
 */
export function withoutClosingOffer(markdown: string): string {
	const trimmed = markdown.replace(/\s+$/, '');
	const paragraphStart = lastBreak(trimmed, /\n[ \t]*\n/g);
	const lineStart = lastBreak(trimmed, /\n/g);
	for (const start of [paragraphStart, lineStart]) {
		if (start <= 0) continue;
		const candidate = trimmed.slice(start);
		if (!isOffer(candidate)) continue;
		const rest = trimmed
			.slice(0, start)
			.replace(/\s+$/, '')
			.replace(/(^|\n)[ \t]*([-*_])(?:[ \t]*\2){2,}$/, '')
			.replace(/\s+$/, '');
		if (rest.trim() !== '') return rest;
	}
	return markdown;
}

function lastBreak(text: string, pattern: RegExp): number {
	let at = -1;
	for (const match of text.matchAll(pattern)) at = match.index + match[0].length;
	return at;
}

/** Whether `text` is only an offer of more help: Glean's phrasing, short, a question or a plain sentence. */
function isOffer(text: string): boolean {
	const plain = text
		.trim()
		.replace(/^(?:[-*+][ \t]+|>[ \t]*)/, '')
		.replace(/^[*_~]+|[*_~]+$/g, '')
		.trim();
	if (plain === '' || plain.length > MAX_OFFER_LENGTH || plain.includes('\n')) return false;
	if (/(^|\s)#|```|\|.*\|/.test(plain)) return false;
	const offers =
		OFFER_START.test(plain) || (MAYBE_OFFER_START.test(plain) && ABOUT_MORE_HELP.test(plain));
	return offers && /[?.!)]["”’]?$/.test(plain);
}
