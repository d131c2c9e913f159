import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ChatStreamAggregator } from '../../nodes/GleanChat/helpers/chatStreamAggregator';
import type { SimplifiedChatAnswer } from '../../nodes/GleanChat/helpers/chatStreamAggregator';
import {
	conversationLines,
	conversationResponse,
	defaultConversation,
	expectedAnswerText,
	liveText,
	toNdjson,
} from '../emulator/conversation';
import { seededRandom } from '../emulator/gleanEmulator';

const CAPTURE = readFileSync(
	path.join(__dirname, '..', 'fixtures', 'glean-captures', 'chat-stream-with-stages.ndjson'),
);

type Line = {
	messages?: Array<{ author?: string; messageType?: string; fragments?: Array<{ text?: string }> }>;
};

/** The answer computed the obvious way: parse every line, keep GLEAN_AI CONTENT text. */
function naiveAnswer(body: string): string {
	return body
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as Line)
		.flatMap((line) => line.messages ?? [])
		.filter((message) => message.author === 'GLEAN_AI' && message.messageType === 'CONTENT')
		.flatMap((message) => message.fragments ?? [])
		.map((fragment) => fragment.text ?? '')
		.join('');
}

function aggregate(chunks: Array<Uint8Array | string>, keepRaw = false): ChatStreamAggregator {
	const aggregator = new ChatStreamAggregator({ keepRaw });
	for (const chunk of chunks) aggregator.write(chunk);
	aggregator.end();
	return aggregator;
}

/** Cuts `body` at random byte positions (single bytes included). */
function randomChunks(body: Buffer, seed: number, maxSize: number): Buffer[] {
	const random = seededRandom(seed);
	const chunks: Buffer[] = [];
	for (let offset = 0; offset < body.length;) {
		const size = 1 + Math.floor(random() * maxSize);
		chunks.push(body.subarray(offset, offset + size));
		offset += size;
	}
	return chunks;
}

describe('ChatStreamAggregator on a real Glean capture', () => {
	const whole = aggregate([CAPTURE]);

	test('the answer is the GLEAN_AI CONTENT fragments concatenated in order', () => {
		const answer = whole.toSimplified().answer;
		expect(answer).toBe(naiveAnswer(CAPTURE.toString('utf8')));
		expect(answer.startsWith('The Glean Assistant is an AI-powered tool')).toBe(true);
		expect(whole.lines).toBe(61);
	});

	test('UPDATE progress condenses into steps', () => {
		const steps = whole.toSimplified().steps;
		expect(steps.map((step) => step.type)).toEqual(['plan', 'search', 'read', 'write', 'plan']);
		expect(steps[0]).toMatchObject({ text: 'Search Glean Assistant information', complete: true });
		expect(steps[1]).toMatchObject({ queries: ['Glean Assistant information'], complete: true });
		expect(steps[2].documents?.length).toBeGreaterThan(0);
		expect(steps[2].documents?.[0]).toEqual({
			title: 'Glean',
			url: 'https://wiki.company.com/docs/Glean',
			datasource: 'confluence',
		});
		expect(steps[3].complete).toBeUndefined();
	});

	test.each(Array.from({ length: 40 }, (_, seed) => seed + 1))(
		'random chunk boundaries give the same result (seed %i)',
		(seed) => {
			const maxSize = [1, 3, 17, 200, 4096][seed % 5];
			const chunked = aggregate(randomChunks(CAPTURE, seed, maxSize), true);
			expect(chunked.toSimplified()).toEqual(whole.toSimplified());
			expect(chunked.toRaw()).toEqual(aggregate([CAPTURE], true).toRaw());
		},
	);

	test('raw output merges messages by messageId and keeps fields the spec lacks', () => {
		const raw = aggregate([CAPTURE], true).toRaw();
		const content = raw.messages?.filter((message) => message.messageType === 'CONTENT') ?? [];
		expect(content).toHaveLength(1);
		expect(content[0].fragments).toEqual([{ text: naiveAnswer(CAPTURE.toString('utf8')) }]);
		expect(content[0]).toMatchObject({
			messageId: 'cfadca890bf5472a876fc1a835803952',
			stepId: '9D0D9565050E467D855DC5266A0F8CFF',
			queryTrackingToken: '71f8ca1605d84280b2d8bbc89d530cbe',
			hasMoreFragments: true,
		});
		expect(raw.chatSessionTrackingToken).toBe('KgA=');
		const stepComplete = raw.messages?.find((message) => message.isStepComplete === true);
		expect(stepComplete).toMatchObject({
			messageType: 'UPDATE',
			stepId: '414CC1AD66BA4629F3A107134CA0EC89',
		});
	});
});

describe('ChatStreamAggregator line handling', () => {
	const conversation = defaultConversation('What changed?', 'chat-7');
	const lines = conversationLines(conversation);
	const expected = aggregate([toNdjson(lines)]).toSimplified();

	test('CRLF line endings, blank lines and a last line without newline', () => {
		const body = `\r\n${toNdjson(lines, '\r\n\r\n').replace(/\r\n\r\n$/, '')}`;
		expect(aggregate([body]).toSimplified()).toEqual(expected);
	});

	test('a multi-byte character split between chunks is decoded once, whole', () => {
		const body = Buffer.from(toNdjson(lines));
		const rocket = body.indexOf(Buffer.from('🚀'));
		expect(rocket).toBeGreaterThan(0);
		const chunks = [
			body.subarray(0, rocket + 1),
			body.subarray(rocket + 1, rocket + 3),
			body.subarray(rocket + 3),
		];
		const result = aggregate(chunks).toSimplified();
		expect(result.answer).toBe(expectedAnswerText(conversation));
		expect(result.answer).toContain('signed off 🚀');
	});

	test('a UTF-8 byte-order mark before the first line is not part of it', () => {
		const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(toNdjson(lines))]);
		const aggregator = aggregate([body.subarray(0, 2), body.subarray(2)]);
		expect(aggregator.formatError).toBeUndefined();
		expect(aggregator.toSimplified()).toEqual(expected);
	});

	test('text chunks that split an emoji between its two UTF-16 halves', () => {
		const text = toNdjson(lines);
		const rocket = text.indexOf('🚀');
		const result = aggregate([text.slice(0, rocket + 1), text.slice(rocket + 1)]).toSimplified();
		expect(result.answer).toContain('signed off 🚀');
		expect(result).toEqual(expected);
	});

	test('the streamed and the whole answer simplify to the same item', () => {
		const fromWhole = new ChatStreamAggregator();
		fromWhole.addResponse(conversationResponse(conversation));
		expect(fromWhole.toSimplified()).toEqual(expected);
	});

	test('chatId, followUpPrompts and backendTimeMillis are read from whichever line has them', () => {
		expect(expected).toMatchObject({
			chatId: 'chat-7',
			followUpPrompts: conversation.followUpPrompts,
			backendTimeMillis: conversation.backendTimeMillis,
			agent: { agent: 'DEFAULT', mode: 'DEFAULT' },
		});
		const reversed = new ChatStreamAggregator();
		reversed.write(`${JSON.stringify({ followUpPrompts: ['a?'], backendTimeMillis: 5 })}\n`);
		reversed.write(`${JSON.stringify({ chatId: 'late-id', messages: [] })}\n`);
		reversed.end();
		expect(reversed.toSimplified()).toMatchObject({
			chatId: 'late-id',
			followUpPrompts: ['a?'],
			backendTimeMillis: 5,
		});
	});

	test('inline and deprecated citations feed one de-duplicated list in first-seen order', () => {
		expect(expected.citations).toEqual([
			{
				title: 'Roadmap 2026 – Q4 update',
				url: 'https://wiki.example.com/roadmap/q4',
				datasource: 'confluence',
				documentId: 'CONFLUENCE_page_1001',
				type: 'document',
			},
			{
				title: 'Launch checklist (Atlas)',
				url: 'https://docs.example.com/d/atlas-checklist',
				datasource: 'gdrive',
				documentId: 'GDRIVE_doc_2002',
				type: 'document',
			},
		]);
		const legacyOnly = new ChatStreamAggregator();
		legacyOnly.addResponse({
			messages: [
				{
					author: 'GLEAN_AI',
					messageType: 'CONTENT',
					fragments: [{ text: 'Hi' }],
					citations: [
						{ sourceDocument: { id: 'D2', title: 'Two' } },
						{ sourceDocument: { id: 'D1', title: 'One' } },
						{ sourceDocument: { id: 'D2', title: 'Two again' } },
						{ sourceFile: { id: 'F1', name: 'notes.pdf' } },
					],
				},
			],
		});
		expect(legacyOnly.toSimplified().citations).toEqual([
			{ title: 'Two', documentId: 'D2', type: 'document' },
			{ title: 'One', documentId: 'D1', type: 'document' },
			{ title: 'notes.pdf', documentId: 'F1', type: 'file' },
		]);
	});

	test('markdown numbers inline citations and lists the linked sources', () => {
		expect(expected.markdown).toBe(
			'The Q4 roadmap moves the Atlas launch to October 14 and adds a beta for the new search UI[1]. ' +
				'The launch checklist now requires a security review one week before release — the “Atlas” team signed off 🚀[2].' +
				'\n\n**Sources**\n1. [Roadmap 2026 – Q4 update](https://wiki.example.com/roadmap/q4)\n' +
				'2. [Launch checklist (Atlas)](https://docs.example.com/d/atlas-checklist)',
		);
	});

	test('unknown message types and fields never break it, and raw output keeps them', () => {
		const aggregator = new ChatStreamAggregator({ keepRaw: true });
		aggregator.write(
			toNdjson([
				{
					messages: [
						{
							author: 'GLEAN_AI',
							messageType: 'DEBUG_TRACE',
							messageId: 'x',
							fragments: [{ text: 'trace', weird: 1 }],
						},
					],
					novel: { a: 1 },
				},
				{
					messages: [
						{
							author: 'GLEAN_AI',
							messageType: 'CONTENT',
							messageId: 'm',
							fragments: [{ text: 'Hello' }, { futureThing: true }],
						},
					],
				},
				{
					messages: [
						{
							author: 'GLEAN_AI',
							messageType: 'CONTENT',
							messageId: 'm',
							fragments: [{ text: ' world' }],
						},
					],
				},
			]),
		);
		aggregator.end();
		expect(aggregator.toSimplified().answer).toBe('Hello world');
		const raw = aggregator.toRaw();
		expect(raw.novel).toEqual({ a: 1 });
		expect(raw.messages?.[0]).toMatchObject({
			messageType: 'DEBUG_TRACE',
			fragments: [{ text: 'trace', weird: 1 }],
		});
		expect(raw.messages?.[1].fragments).toEqual([
			{ text: 'Hello' },
			{ futureThing: true },
			{ text: ' world' },
		]);
	});

	test('deltas are reported as they are read, in order', () => {
		const deltas: string[] = [];
		const aggregator = new ChatStreamAggregator({ onAnswerDelta: (text) => deltas.push(text) });
		for (const chunk of randomChunks(Buffer.from(toNdjson(lines)), 99, 7)) aggregator.write(chunk);
		aggregator.end();
		expect(deltas.join('')).toBe(liveText(conversation));
		expect(deltas.length).toBeGreaterThan(20);
	});

	test('an ERROR message becomes an error with Glean’s text, keeping the partial answer', () => {
		const aggregator = aggregate([
			toNdjson([
				lines[lines.length - 3],
				{
					messages: [
						{
							author: 'GLEAN_AI',
							messageType: 'ERROR',
							fragments: [{ text: 'The model is ' }, { text: 'overloaded' }],
						},
					],
				},
			]),
		]);
		expect(aggregator.error).toBe('The model is overloaded');
		expect(aggregator.hasContent).toBe(true);
	});

	test('a line that is not JSON stops reading and is reported with its number', () => {
		const aggregator = aggregate([
			`${JSON.stringify(lines[0])}\n{"messages":[{"broken"\n${JSON.stringify(lines[1])}\n`,
		]);
		expect(aggregator.formatError).toMatch(
			/^line 2 is not a JSON object: \{"messages":\[\{"broken"/,
		);
		expect(aggregator.lines).toBe(2);
	});

	test('a body that ends inside a line is a format error, not a shorter answer', () => {
		const body = toNdjson(lines);
		const aggregator = aggregate([body.slice(0, body.length - 40)]);
		expect(aggregator.formatError).toMatch(/is not a JSON object/);
	});

	test('simplified output never carries keys with undefined values', () => {
		const empty = aggregate(['']).toSimplified();
		// toStrictEqual, because toEqual would ignore keys whose value is undefined.
		expect(empty).toStrictEqual({
			answer: '',
			citations: [],
			followUpPrompts: [],
			steps: [],
			markdown: '',
		} satisfies SimplifiedChatAnswer);
		// A JSON round trip drops undefined keys, so strict equality fails if any exist.
		expect(expected).toStrictEqual(JSON.parse(JSON.stringify(expected)));
	});
});

describe('ChatStreamAggregator: the answer Glean means', () => {
	const line = (message: Record<string, unknown>) =>
		`${JSON.stringify({ messages: [{ author: 'GLEAN_AI', ...message }] })}\n`;
	const content = (text: string, extra: Record<string, unknown> = {}) =>
		line({ messageType: 'CONTENT', fragments: [{ text }], ...extra });
	const cite = (url: string) => ({ text: '', citation: { sourceDocument: { title: url, url } } });

	test('the plan before a tool step goes to steps, with its citations; the answer after it keeps its own, renumbered', () => {
		const deltas: string[] = [];
		const aggregator = new ChatStreamAggregator({ onAnswerDelta: (text) => deltas.push(text) });
		aggregator.write(
			line({
				messageType: 'CONTENT',
				messageId: 'p',
				fragments: [{ text: 'Plan: read ' }, cite('https://a')],
			}),
		);
		aggregator.write(
			line({ messageType: 'UPDATE', messageId: 's', fragments: [{ text: '**Searching:** x' }] }),
		);
		aggregator.write(
			line({
				messageType: 'CONTENT',
				messageId: 'a',
				fragments: [{ text: 'Answer' }, cite('https://b')],
			}),
		);
		aggregator.end();
		const result = aggregator.toSimplified();
		expect(result.answer).toBe('Answer');
		expect(result.citations.map((citation) => citation.url)).toEqual(['https://b']);
		expect(result.markdown).toBe('Answer[1]\n\n**Sources**\n1. [https://b](https://b)');
		expect(result.steps).toEqual([
			{ type: 'message', text: 'Plan: read' },
			{ type: 'search', text: 'x' },
		]);
		expect(deltas).toEqual(['Plan: read ', '\n\n', 'Answer']);
	});

	test('a step-complete marker after the answer keeps the answer; a step with content after it makes it a plan', () => {
		const marker = new ChatStreamAggregator();
		marker.write(
			content('Done.', { messageId: 'a' }) +
				line({ messageType: 'UPDATE', messageId: 'u', stepId: 'S', isStepComplete: true }),
		);
		marker.end();
		expect(marker.toSimplified().answer).toBe('Done.');
		expect(marker.hasAnswerText).toBe(true);

		const pending = new ChatStreamAggregator();
		pending.write(
			content('Let me check.', { messageId: 'a' }) +
				line({ messageType: 'UPDATE', messageId: 'u', fragments: [{ text: 'Calling a tool' }] }),
		);
		pending.end();
		expect(pending.toSimplified().answer).toBe('');
		expect(pending.hasAnswerText).toBe(false);
		expect(pending.toSimplified().steps[0]).toEqual({ type: 'message', text: 'Let me check.' });
	});

	test('streamed lines without a messageId continue one message until one says hasMoreFragments: false', () => {
		const aggregator = new ChatStreamAggregator();
		aggregator.write(
			content('One') +
				content(' two', { hasMoreFragments: false }) +
				content('Three') +
				content('\n\n') +
				content('four'),
		);
		aggregator.end();
		expect(aggregator.toSimplified().answer).toBe('One two\n\nThree\n\nfour');
	});

	test('UPDATE lines without a messageId are steps of their own', () => {
		const aggregator = new ChatStreamAggregator();
		aggregator.write(
			line({ messageType: 'UPDATE', fragments: [{ text: 'First' }] }) +
				line({ messageType: 'UPDATE', fragments: [{ text: 'Second' }] }) +
				content('Answer'),
		);
		aggregator.end();
		expect(aggregator.toSimplified().steps.map((step) => step.text)).toEqual(['First', 'Second']);
	});

	test.each([
		['A', 'B', 'A\n\nB'],
		['A\n', 'B', 'A\n\nB'],
		['A\n\n', 'B', 'A\n\nB'],
		['A', '\nB', 'A\n\nB'],
		['A', '\n\nB', 'A\n\nB'],
	])('messages %j and %j read as paragraphs: %j', (first, second, answer) => {
		const aggregator = new ChatStreamAggregator();
		aggregator.addResponse({
			messages: [
				{ messageType: 'CONTENT', fragments: [{ text: first }] },
				{ messageType: 'CONTENT', fragments: [{ text: second }] },
			],
		});
		expect(aggregator.toSimplified().answer).toBe(answer);
	});

	test('a first line that is not a ChatResponse marks the body as not Glean’s, with its beginning', () => {
		const page = new ChatStreamAggregator();
		page.write('<!DOCTYPE html><html><title>Sign in</title></html>\n');
		page.end();
		expect(page.notGleanStream).toEqual({
			problem: 'an HTML page (a sign-in page)',
			quote: '<!DOCTYPE html><html><title>Sign in</title></html>',
		});

		const later = new ChatStreamAggregator();
		later.write(`${content('Hi')}not json\n`);
		later.end();
		expect(later.notGleanStream).toBeUndefined();
		expect(later.formatError).toBe('line 2 is not a JSON object: not json');
	});
});

describe('ChatStreamAggregator: messages Glean continues, and steps it revisits', () => {
	const line = (message: Record<string, unknown>) =>
		`${JSON.stringify({ messages: [{ author: 'GLEAN_AI', ...message }] })}\n`;
	const content = (text: string, extra: Record<string, unknown> = {}) =>
		line({ messageType: 'CONTENT', fragments: [{ text }], ...extra });
	const streamed = (body: string, onAnswerDelta?: (text: string) => void) => {
		const aggregator = new ChatStreamAggregator({ onAnswerDelta, keepRaw: true });
		aggregator.write(body);
		aggregator.end();
		return aggregator;
	};

	test('a plan and an answer under one messageId, a tool step between them: two messages, the plan in steps', () => {
		const deltas: string[] = [];
		const aggregator = streamed(
			content('Plan: search X.', { messageId: 'm' }) +
				line({ messageType: 'UPDATE', messageId: 'u', fragments: [{ text: '**Searching:** X' }] }) +
				content('The answer.', { messageId: 'm' }),
			(text) => deltas.push(text),
		);
		expect(aggregator.toSimplified().answer).toBe('The answer.');
		expect(aggregator.toSimplified().steps.map((step) => [step.type, step.text])).toEqual([
			['message', 'Plan: search X.'],
			['search', 'X'],
		]);
		expect(deltas.join('')).toBe('Plan: search X.\n\nThe answer.');
		// Raw output keeps them apart too.
		expect(
			aggregator
				.toRaw()
				.messages?.filter((message) => message.messageType === 'CONTENT')
				.map((message) => message.fragments?.[0].text),
		).toEqual(['Plan: search X.', 'The answer.']);
	});

	test('a later line of a step seen before the answer (more documents, or completion repeating its text) keeps the answer', () => {
		const aggregator = streamed(
			line({ messageType: 'UPDATE', messageId: 'u1', fragments: [{ text: '**Reading:** ' }] }) +
				content('The answer.', { messageId: 'a1' }) +
				line({
					messageType: 'UPDATE',
					messageId: 'u1',
					fragments: [{ structuredResults: [{ document: { title: 'Doc', url: 'https://d' } }] }],
				}) +
				line({
					messageType: 'UPDATE',
					messageId: 'u1',
					isStepComplete: true,
					fragments: [{ text: '**Reading:** ' }],
				}),
		);
		expect(aggregator.toSimplified().answer).toBe('The answer.');
		expect(aggregator.toSimplified().steps).toEqual([
			{ type: 'read', text: '', documents: [{ title: 'Doc', url: 'https://d' }], complete: true },
		]);
	});

	test('the real capture with a completion line repeating a step’s text appended keeps its answer', () => {
		const completion = {
			messages: [
				{
					author: 'GLEAN_AI',
					messageType: 'UPDATE',
					messageId: 'ce9482c53c33499aae1da51c7fb909dc',
					stepId: '9D0D9565050E467D855DC5266A0F8CFF',
					isStepComplete: true,
					fragments: [{ text: 'Summarize the information found' }],
				},
			],
		};
		const aggregator = streamed(`${CAPTURE.toString('utf8')}${JSON.stringify(completion)}\n`);
		const result = aggregator.toSimplified();
		expect(result.answer).toBe(naiveAnswer(CAPTURE.toString('utf8')));
		expect(result.steps[4]).toEqual({
			type: 'plan',
			text: 'Summarize the information found',
			stepId: '9D0D9565050E467D855DC5266A0F8CFF',
			complete: true,
		});
	});

	test('CONTENT without a messageId goes on across a step-complete marker, another author, and after a CONTENT with an ID', () => {
		const aggregator = streamed(
			content('The G') +
				line({ messageType: 'UPDATE', isStepComplete: true }) +
				line({ author: 'USER', messageType: 'CONTENT', fragments: [{ text: 'x' }] }) +
				content('lean') +
				content(' A', { messageId: 'a' }) +
				content('I'),
		);
		// " A" has a messageId of its own: a message of its own; "I" continues it.
		expect(aggregator.toSimplified().answer).toBe('The Glean\n\n AI');
	});

	test('in a whole response, separate messages are paragraphs unless one says more follows (hasMoreFragments)', () => {
		const whole = new ChatStreamAggregator();
		whole.addResponse({
			messages: [
				{ messageType: 'CONTENT', fragments: [{ text: 'One.' }] },
				{ messageType: 'CONTENT', fragments: [{ text: 'Tw' }], hasMoreFragments: true },
				{ messageType: 'CONTENT', fragments: [{ text: 'o.' }], hasMoreFragments: false },
				{ messageType: 'CONTENT', fragments: [{ text: 'Three.' }] },
			],
		});
		expect(whole.toSimplified().answer).toBe('One.\n\nTwo.\n\nThree.');
	});
});
