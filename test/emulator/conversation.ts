/**
 * Builds realistic Glean chat answers, streamed (one ChatResponse per line, as Glean sends them)
 * and whole (the non-streamed ChatResponse), from one description, so tests can check that both
 * give the same result.
 */

export interface ConversationDocument {
	id: string;
	title: string;
	url: string;
	datasource: string;
}

/**
 * Answer text, with `{ cite: n }` placing an inline citation of `documents[n]`, and
 * `{ newMessage: true }` starting a separate answer message (a new paragraph of the answer).
 */
export type AnswerPiece = string | { cite: number } | { newMessage: true };

export interface Conversation {
	question: string;
	chatId?: string;
	/**
	 * What an agentic answer writes as CONTENT before it runs its tools (its plan). It is not
	 * part of the answer: the node keeps it in `steps`.
	 */
	intro?: string;
	plan: string;
	searchQuery: string;
	documents: ConversationDocument[];
	answer: AnswerPiece[];
	followUpPrompts: string[];
	backendTimeMillis: number;
	/** Also send the deprecated message-level `citations[]` on a last CONTENT line. */
	legacyCitations?: boolean;
	agent?: string;
	/** Send no messageId at all (streamed CONTENT lines then continue the message before them). */
	withoutMessageIds?: boolean;
	/**
	 * A run that ends before Glean writes its answer: `emptyContent` ends with a CONTENT message
	 * whose text is empty, `onlySteps` with the tool steps alone.
	 */
	unfinished?: 'emptyContent' | 'onlySteps';
}

type Json = Record<string, unknown>;

const TRACKING = 'KgA=';

export function defaultConversation(question: string, chatId?: string): Conversation {
	return {
		question,
		chatId,
		intro: 'I’ll look through the roadmap and the launch checklist, then summarise what changed.',
		plan: `Search company knowledge for: ${question}`,
		searchQuery: question,
		documents: [
			{
				id: 'CONFLUENCE_page_1001',
				title: 'Roadmap 2026 – Q4 update',
				url: 'https://wiki.example.com/roadmap/q4',
				datasource: 'confluence',
			},
			{
				id: 'GDRIVE_doc_2002',
				title: 'Launch checklist (Atlas)',
				url: 'https://docs.example.com/d/atlas-checklist',
				datasource: 'gdrive',
			},
		],
		answer: [
			'The Q4 roadmap moves the Atlas launch to October 14 and adds a beta for the new search UI',
			{ cite: 0 },
			'. The launch checklist now requires a security review one week before release — the “Atlas” team signed off 🚀',
			{ cite: 1 },
			'.',
		],
		followUpPrompts: ['Who owns the Atlas launch?', 'What is in the search UI beta?'],
		backendTimeMillis: 1834,
		legacyCitations: true,
	};
}

/** The answer's text: its messages as paragraphs, the intro (a plan) left out. */
export function expectedAnswerText(conversation: Conversation): string {
	if (conversation.unfinished) return '';
	return answerMessages(conversation)
		.map((pieces) => pieces.filter((piece): piece is string => typeof piece === 'string').join(''))
		.join('\n\n');
}

/**
 * The text deltas a live chat is sent, in order: the intro's (a plan cannot be told from an
 * answer until a tool step follows it), then the answer's, a blank line between messages.
 */
export function answerDeltas(conversation: Conversation): string[] {
	const messages = [
		...(conversation.intro ? [tokenize(conversation.intro)] : []),
		...(conversation.unfinished
			? []
			: answerMessages(conversation).map((pieces) =>
					pieces.flatMap((piece) => (typeof piece === 'string' ? tokenize(piece) : [])),
				)),
	];
	return messages.flatMap((deltas, index) => (index === 0 ? deltas : ['\n\n', ...deltas]));
}

/** What a live chat shows in all: the deltas joined. */
export function liveText(conversation: Conversation): string {
	return answerDeltas(conversation).join('');
}

/** The answer pieces cut into messages at each `{ newMessage: true }`. */
function answerMessages(conversation: Conversation): Array<Array<string | { cite: number }>> {
	const messages: Array<Array<string | { cite: number }>> = [[]];
	for (const piece of conversation.answer) {
		if (typeof piece === 'object' && 'newMessage' in piece) messages.push([]);
		else messages[messages.length - 1].push(piece);
	}
	return messages.filter((pieces) => pieces.length > 0);
}

/** Splits text into token-sized deltas like Glean's ("The", " G", "lean", …). */
export function tokenize(text: string): string[] {
	const tokens: string[] = [];
	for (const word of text.match(/\s*\S+|\s+/g) ?? []) {
		const chars = Array.from(word);
		for (let start = 0; start < chars.length; start += 5)
			tokens.push(chars.slice(start, start + 5).join(''));
	}
	return tokens;
}

function citation(document: ConversationDocument): Json {
	return {
		sourceDocument: {
			id: document.id,
			title: document.title,
			url: document.url,
			datasource: document.datasource,
			metadata: { datasource: document.datasource, documentId: document.id },
		},
		trackingToken: `ct-${document.id}`,
	};
}

interface MessageSpec {
	messageId: string;
	messageType: 'UPDATE' | 'CONTENT';
	stepId?: string;
	/** Fragments as streamed: each inner array is one line. */
	lines: Json[][];
	isStepComplete?: boolean;
}

function messages(conversation: Conversation): MessageSpec[] {
	const search = 'STEP_SEARCH';
	const write = 'STEP_WRITE';
	const answers: MessageSpec[] = answerMessages(conversation).map((pieces, index) => ({
		messageId: index === 0 ? 'msg-answer' : `msg-answer-${index + 1}`,
		messageType: 'CONTENT',
		stepId: write,
		lines: pieces.flatMap((piece) =>
			typeof piece === 'string'
				? tokenize(piece).map((token) => [{ text: token }])
				: [[{ text: '', citation: citation(conversation.documents[piece.cite]) }]],
		),
	}));
	const intro: MessageSpec[] = conversation.intro
		? [
				{
					messageId: 'msg-intro',
					messageType: 'CONTENT',
					lines: tokenize(conversation.intro).map((token) => [{ text: token }]),
				},
			]
		: [];
	const ending: MessageSpec[] =
		conversation.unfinished === 'onlySteps'
			? []
			: conversation.unfinished === 'emptyContent'
				? [
						{
							messageId: 'msg-answer',
							messageType: 'CONTENT',
							stepId: write,
							lines: [[{ text: '' }]],
						},
					]
				: answers;
	return [
		...intro,
		{
			messageId: 'msg-plan',
			messageType: 'UPDATE',
			stepId: search,
			lines: [[{ text: conversation.plan }]],
		},
		{
			messageId: 'msg-search',
			messageType: 'UPDATE',
			stepId: search,
			lines: [
				[
					{ text: '**Searching:** ' },
					{
						text: conversation.searchQuery,
						querySuggestion: { query: conversation.searchQuery, datasource: 'all' },
					},
				],
			],
		},
		{
			messageId: 'msg-read',
			messageType: 'UPDATE',
			stepId: search,
			lines: [
				[
					{ text: '**Reading:** ' },
					...conversation.documents.map((document) => ({
						structuredResults: [{ document: citation(document).sourceDocument }],
					})),
				],
			],
		},
		{
			messageId: 'msg-search-done',
			messageType: 'UPDATE',
			stepId: search,
			lines: [[]],
			isStepComplete: true,
		},
		{
			messageId: 'msg-write',
			messageType: 'UPDATE',
			stepId: write,
			lines: [[{ text: '**Writing:** Generating your answer' }]],
		},
		...ending,
	];
}

function messageFields(conversation: Conversation, spec: MessageSpec): Json {
	const fields: Json = {
		agentConfig: { agent: conversation.agent ?? 'DEFAULT', mode: 'DEFAULT' },
		author: 'GLEAN_AI',
		...(conversation.withoutMessageIds
			? {}
			: { messageId: spec.messageId, messageTrackingToken: `mt-${spec.messageId}` }),
		messageType: spec.messageType,
		// Real lines carry fields the spec lacks.
		queryTrackingToken: 'qt-1',
	};
	if (spec.stepId) fields.stepId = spec.stepId;
	if (spec.isStepComplete) fields.isStepComplete = true;
	return fields;
}

/** The answer as Glean streams it: one ChatResponse per line. */
export function conversationLines(conversation: Conversation): Json[] {
	const lines: Json[] = [];
	const specs = messages(conversation);
	for (const spec of specs) {
		for (const [index, fragments] of spec.lines.entries()) {
			const message: Json = { ...messageFields(conversation, spec), fragments };
			// The message's last line says it is complete: without messageIds, that is what ends one message.
			if (spec.messageType === 'CONTENT') message.hasMoreFragments = index < spec.lines.length - 1;
			if (spec.isStepComplete) delete message.fragments;
			const line: Json = { messages: [message], chatSessionTrackingToken: TRACKING };
			if (lines.length === 0 && conversation.chatId) line.chatId = conversation.chatId;
			lines.push(line);
		}
	}
	const last: Json = {
		messages: [],
		followUpPrompts: conversation.followUpPrompts,
		backendTimeMillis: conversation.backendTimeMillis,
		chatSessionTrackingToken: TRACKING,
	};
	if (conversation.chatId) last.chatId = conversation.chatId;
	if (conversation.legacyCitations && !conversation.unfinished) {
		const answerSpec = specs[specs.length - 1];
		last.messages = [
			{
				...messageFields(conversation, answerSpec),
				fragments: [],
				hasMoreFragments: false,
				citations: conversation.documents.map(citation),
			},
		];
	}
	lines.push(last);
	return lines;
}

/** The same answer as one non-streamed ChatResponse. */
export function conversationResponse(conversation: Conversation): Json {
	const specs = messages(conversation);
	const response: Json = {
		messages: specs.map((spec, index) => {
			const message: Json = messageFields(conversation, spec);
			const fragments = mergeText(spec.lines.flat());
			if (!spec.isStepComplete) message.fragments = fragments;
			if (spec.messageType === 'CONTENT') {
				message.hasMoreFragments = false;
				// As streamed: the deprecated citations[] come with the answer's last message.
				if (
					conversation.legacyCitations &&
					!conversation.unfinished &&
					index === specs.length - 1
				) {
					message.citations = conversation.documents.map(citation);
				}
			}
			return message;
		}),
		followUpPrompts: conversation.followUpPrompts,
		backendTimeMillis: conversation.backendTimeMillis,
		chatSessionTrackingToken: TRACKING,
	};
	if (conversation.chatId) response.chatId = conversation.chatId;
	return response;
}

/** Joins neighbouring plain-text fragments, as a whole answer would carry them. */
function mergeText(fragments: Json[]): Json[] {
	const merged: Json[] = [];
	for (const fragment of fragments) {
		const last = merged[merged.length - 1];
		const plain = Object.keys(fragment).length === 1 && typeof fragment.text === 'string';
		const lastPlain = last && Object.keys(last).length === 1 && typeof last.text === 'string';
		if (plain && lastPlain) last.text = `${last.text as string}${fragment.text as string}`;
		else merged.push({ ...fragment });
	}
	return merged;
}

export function toNdjson(lines: Array<Json | string>, lineEnding = '\n'): string {
	return (
		lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join(lineEnding) +
		lineEnding
	);
}
