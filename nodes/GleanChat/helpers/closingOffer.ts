/**
 * Glean's closing offer ("Would you like me to search other documents?"): a last paragraph or
 * line that only offers more help. A scheduled report has nobody to answer it. Pure; knows
 * nothing of n8n.
 *
 * Dropping real content is the worst mistake here, so a candidate goes only when every one of
 * its sentences is an offer of more help (or a pleasantry such as "I hope this helps!"), never
 * when it is a list item, a quote, a heading, code or a table.
 */

/** What Glean offers to do more of. */
const MORE =
	'(search|look|find|check|draft|create|write|summari[sz]e|compare|list|pull|gather|dig|expand|provide|share|help|assist|answer|go|continue|prepare|send|put together|explain|break (it|this|that) down|walk you through)';

/**
 * Sentences that only offer more help, whole, in Glean's usual phrasings (apostrophes made
 * straight): each pattern must match the entire sentence.
 */
const OFFERS = [
	// A question to the reader about more help: "Would you like me to…?", "Do you want…?"
	/^(would you like|do you want|want me to)\b[^.!?]*\?$/i,
	new RegExp(`^(shall|should) i ${MORE}\\b[^.!?]*\\?$`, 'i'),
	/^let me know (if|whether) (you|there)('re| are| is|'d| would| have| need| want)?\b[^.!?]*[.!]?$/i,
	/^let me know (if (this|that) helps|how i can (help|assist)( you)?( further)?|what else (i can do|you need))[.!]?$/i,
	/^(just )?let me know[.!]?$/i,
	/^(need|want) anything else\?$/i,
	/^don't hesitate to (reach out|ask|let me know)( (to me|if you have (any )?(other |more |further )?questions))?[.!]?$/i,
	new RegExp(
		`^(if you('d| would)? like|if you want|if you need|if you have)\\b[^,.!?]*,\\s*(just )?(let me know|feel free to ask|ask me|i can ${MORE}|i('d| would) be (happy|glad) to ${MORE})\\b[^.!?]*[.!?]?$`,
		'i',
	),
	/^feel free to (ask( me)?|let me know|reach out( to me)?)( (if|any|more|other|further|follow-up|additional)\b[^.!?]*)?[.!]?$/i,
	new RegExp(
		`^i can also ${MORE}\\b[^.!?]*(\\?|if (you('d| would) like|that helps|needed|you want)[.!]?)$`,
		'i',
	),
	new RegExp(`^i('d| would) be (happy|glad) to ${MORE}\\b[^.!?]*[.!]?$`, 'i'),
	/^(is there )?anything else (i|we) can (help( you)? with|do for you|look (into|up) for you)\?$/i,
	/^(is there )?anything else you('d| would) like (me to (help with|look (into|up)|find)|to know)\?$/i,
	/^(do you have|if you have) any (other|more|further|additional|follow-up) questions\b[^.!?]*[.!?]$/i,
];

/** Words that make a sentence content, however it begins: a refusal, a condition, a place to go. */
const CONTENT =
	/\b(can't|cannot|could ?n[o']t|won't|will need|'ll need|must|required?|so|because|before|after|until|unless|then|deadline)\b|, and\b|[():;]|https?:|www\.|@|#\w|\bgo\//i;

/** An answer that is a draft for the user to send (a letter, an announcement) ends as the draft does: its last line is the draft's. */
const DRAFT = /\bdraft\b|^(hi|hello|hey|dear)\b[^\n]{0,60},[ \t]*$|^subject:/im;

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
	// Windows line endings read like any other (the answer comes back with \n where it is cut).
	const trimmed = markdown.replace(/\r\n?/g, '\n').trimEnd();
	const paragraphStart = lastBreak(trimmed, /\n[ \t]*\n/g);
	const lineStart = lastBreak(trimmed, /\n/g);
	for (const start of [paragraphStart, lineStart]) {
		if (start <= 0 || !isOffer(trimmed.slice(start))) continue;
		// What a colon introduces is content ("Question 12 of the survey:"), and so is a draft's end.
		const before = trimmed.slice(0, start);
		if (/:\s*$/.test(before) || DRAFT.test(before)) continue;
		// A last line only when the paragraph above it is plain sentences that ended.
		if (
			start !== paragraphStart &&
			!endsPlainSentence(trimmed.slice(Math.max(0, paragraphStart), start))
		)
			continue;
		const rest = trimmed
			.slice(0, start)
			.trimEnd()
			.replace(/(^|\n)[ \t]*([-*_])(?:[ \t]*\2){2,}$/, '')
			.trimEnd();
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
		.replace(
			/(\s*(\[\d{1,4}\]|\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f))+\s*$/u,
			'',
		)
		.trim();
	const sentences = plain.split(/(?<=[.!?])\s+/).filter((sentence) => sentence !== '');
	if (sentences.length === 0) return false;
	let offers = 0;
	if (CONTENT.test(plain)) return false;
	for (const sentence of sentences) {
		const bare = sentence.replace(/^please\s+/i, '');
		if (OFFERS.some((offer) => offer.test(bare))) offers++;
		else if (!PLEASANTRY.test(bare)) return false;
	}
	return offers > 0;
}

/** Whether `paragraph` is plain text (no list, quote, indentation) whose last line ends a sentence. */
function endsPlainSentence(paragraph: string): boolean {
	const lines = paragraph.split('\n').filter((line) => line.trim() !== '');
	if (lines.some((line) => /^(\s|[-*+]\s|\d{1,9}[.)]\s|>)/.test(line))) return false;
	const last = (lines[lines.length - 1] ?? '').replace(/(\s*\[\d{1,4}\])+\s*$/, '');
	return /[.!?)]["”’*_]*$/.test(last);
}
