/**
 * Glean's closing offer ("Would you like me to search other documents?"): a last paragraph or
 * line that only offers more help. A scheduled report has nobody to answer it. Pure; knows
 * nothing of n8n.
 *
 * Dropping real content is the worst mistake here, so a candidate goes only when every one of
 * its sentences is an offer of more help (or a pleasantry such as "I hope this helps!"), never
 * when it is a list item, a quote, a heading, code or a table.
 */

/** Sentences that only offer more help, in Glean's usual phrasings (apostrophes made straight). */
const OFFERS = [
	// A question to the reader about more help: "Would you like me to…?", "Do you want…?"
	/^(would you like|do you want|want me to)\b.*\?$/i,
	// "Shall I / Should I" only about Glean doing more: "Shall I draft an announcement?"
	/^(shall|should) i (search|look|find|check|draft|create|write|summari[sz]e|compare|list|pull|gather|dig|expand|provide|share|help|go|continue|prepare|send|put together)\b.*\?$/i,
	/^let me know (if|whether|what|how|when)\b/i,
	/^(if you('d| would) like|if you want|if you need|if you have)\b.*\b(let me know|feel free to ask|just ask|ask me|i can|i could|i('d| would) be happy|i'll|i will)\b/i,
	/^feel free to (ask( me)?|let me know|reach out( to me)?)( (if|any|more|other|further|follow-up|additional)\b.*)?[.!]?$/i,
	/^i can also\b.*(\?|if (you('d| would) like|that helps|needed|you want)[.!]?)$/i,
	/^i('d| would) be (happy|glad) to\b/i,
	/^(is there )?anything else (i can|you('d| would) like)\b/i,
	/^(do you have|if you have) any (other|more|further|additional|follow-up) questions\b/i,
];

const PLEASANTRY =
	/^(i hope (this|that|it) helps|hope (this|that|it) helps|happy to help|glad (i could|to) help)\b[^.!?]*[.!]?$/i;

/** An offer is short: a few sentences. */
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
		if (start <= 0 || !isOffer(trimmed.slice(start))) continue;
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

/** Whether `text` is only an offer of more help: every sentence an offer or a pleasantry, one an offer. */
function isOffer(text: string): boolean {
	const candidate = text.trim();
	// A list item, a quote, a heading, code or a table is content, whatever it says.
	if (/^([-*+]\s|\d{1,9}[.)]\s|>|#)/.test(candidate) || /`|\|.*\|/.test(candidate)) return false;
	if (candidate.length > MAX_OFFER_LENGTH || candidate.includes('\n')) return false;
	const plain = candidate
		.replace(/[‘’]/g, "'")
		.replace(/^[*_~]+|[*_~]+$/g, '')
		// Citation markers, emoji and spaces at the end ("…as well?[2] 😊") are not part of the sentence.
		.replace(/(\s*(\[\d{1,4}\]|\p{Extended_Pictographic}|\u200d|\ufe0f))+\s*$/u, '')
		.trim();
	const sentences = plain.split(/(?<=[.!?])\s+/).filter((sentence) => sentence !== '');
	if (sentences.length === 0) return false;
	let offers = 0;
	for (const sentence of sentences) {
		const bare = sentence.replace(/^please\s+/i, '');
		if (OFFERS.some((offer) => offer.test(bare))) offers++;
		else if (!PLEASANTRY.test(bare)) return false;
	}
	return offers > 0;
}
