import {
	formFields,
	formInput,
	hasStructuredOutput,
	structuredOutput,
} from '../../nodes/GleanChat/helpers/agentForm';
import { AgentRunAggregator } from '../../nodes/GleanChat/helpers/agentRunAggregator';

/** The pure parts of Agent → Run: the form from Glean's input_schema, and the run's answer from its events. */

const text = (role: string, ...pieces: string[]) => ({
	role,
	content: pieces.map((piece) => ({ text: piece, type: 'text' })),
});
const event = (data: unknown, name = 'message') =>
	`event: ${name}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function streamed(body: string, chunkSize = body.length) {
	const aggregator = new AgentRunAggregator({ keepRaw: true });
	const bytes = Buffer.from(body, 'utf8');
	for (let start = 0; start < bytes.length; start += chunkSize)
		aggregator.write(bytes.subarray(start, start + chunkSize));
	aggregator.end();
	return aggregator;
}

describe('the form', () => {
	const schema = {
		type: 'object',
		properties: {
			name: { type: 'string', title: 'Customer name' },
			tier: { enum: ['gold', 'silver'] },
			count: { type: ['integer', 'null'] },
			urgent: { type: 'boolean', default: false },
			when: { type: 'string', format: 'date' },
			tags: { type: 'array' },
		},
		required: ['name', 'urgent'],
	};

	test('fields keep the schema’s order, titles, types, choices, defaults and required ones', () => {
		expect(formFields(schema)).toEqual([
			{ id: 'name', displayName: 'Customer name', required: true, type: 'string' },
			{
				id: 'tier',
				displayName: 'tier',
				required: false,
				type: 'options',
				options: ['gold', 'silver'],
			},
			{ id: 'count', displayName: 'count', required: false, type: 'number' },
			{ id: 'urgent', displayName: 'urgent', required: true, type: 'boolean', defaultValue: false },
			{ id: 'when', displayName: 'when', required: false, type: 'string', date: true },
			{ id: 'tags', displayName: 'tags', required: false, type: 'array' },
		]);
	});

	test.each([undefined, null, {}, { type: 'object' }, { properties: [] }, 'text'])(
		'no form in %j',
		(inputSchema) => expect(formFields(inputSchema)).toEqual([]),
	);

	test('every field is sent: given values (text as text, dates as YYYY-MM-DD), else the default, else ""', () => {
		const { input, problems } = formInput(formFields(schema), {
			name: 42,
			count: 3,
			when: new Date('2026-03-04T23:00:00Z'),
			tags: ['a'],
		});
		expect(input).toEqual({
			name: '42',
			tier: '',
			count: 3,
			urgent: false,
			when: '2026-03-04',
			tags: ['a'],
		});
		expect(problems).toEqual({ missing: [], unknown: [], invalid: [] });
	});

	test('a required field without value or default, and values for fields the form lacks, are problems', () => {
		const { problems } = formInput(formFields(schema), { name: '  ', gone: 'x', empty: '' });
		expect(problems.missing.map((field) => field.id)).toEqual(['name']);
		expect(problems.unknown).toEqual(['gone']);
	});

	test.each([
		['{"a": 1}', { a: 1 }],
		['```json\n[1, 2]\n```', [1, 2]],
		['  ```\n{"b": true}\n```  ', { b: true }],
		['The answer is {"a": 1}', undefined],
		['"just a string"', undefined],
		['{not json', undefined],
	])('structured output of %j', (answer, expected) =>
		expect(structuredOutput(answer)).toEqual(expected),
	);

	test.each([
		[{ type: 'object', properties: { a: { type: 'string' } } }, true],
		[{ type: 'array', items: {} }, true],
		[{}, false],
		[{ type: 'string' }, false],
		[undefined, false],
	])('output schema %j describes structured output: %s', (schema, expected) =>
		expect(hasStructuredOutput(schema)).toBe(expected),
	);
});

describe('the run’s answer', () => {
	const stream =
		': keep-alive\n\n' +
		event({ messages: [text('GLEAN_AI', 'Hel')] }) +
		event('') +
		event({ messages: [text('GLEAN_AI', 'lo ', '🌍')] }, 'message') +
		event({ anything: true }, 'progress') +
		event({ messages: [text('GLEAN_AI', '!')] });

	test.each([1, 2, 3, 5, 1000])(
		'streamed pieces make one message, whatever the chunks (%i bytes)',
		(size) => {
			const run = streamed(stream, size);
			expect(run.cut).toBe(false);
			expect(run.toSimplified()).toEqual({
				answer: 'Hello 🌍!',
				status: 'success',
				messages: [{ role: 'GLEAN_AI', text: 'Hello 🌍!' }],
			});
		},
	);

	test('a waited run: separate answer messages are separate paragraphs; USER messages are not the answer', () => {
		const run = new AgentRunAggregator();
		run.addResponse({
			run: { status: 'success' },
			messages: [
				text('USER', 'Draft it'),
				text('GLEAN_AI', 'First part.'),
				text('GLEAN_AI', ' Second part. '),
			],
		});
		expect(run.toSimplified().answer).toBe('First part.\n\nSecond part.');
		expect(run.toSimplified().messages).toHaveLength(3);
	});

	test.each([
		[
			'an error string in a message event',
			event({ error: 'Spend limit reached' }),
			'Spend limit reached',
		],
		[
			'Glean’s platform run.failed event',
			event(
				{ error: { title: 'Spend Limit Exceeded', detail: 'You reached the monthly limit.' } },
				'run.failed',
			),
			'You reached the monthly limit.',
		],
		['an error event with a message', event({ message: 'boom' }, 'error'), 'boom'],
	])('%s fails the run with Glean’s words', (_, failure, words) => {
		const run = streamed(event({ messages: [text('GLEAN_AI', 'Partial')] }) + failure);
		expect(run.error).toBe(words);
		expect(run.toSimplified()).toMatchObject({ status: 'error', answer: 'Partial' });
	});

	test('a waited run with status error fails with its text', () => {
		const run = new AgentRunAggregator();
		run.addResponse({
			run: { status: 'error' },
			messages: [text('GLEAN_AI', 'Could not reach Jira')],
		});
		expect(run.error).toBe('Could not reach Jira');
	});

	test('a stream cut inside an event is cut; data that is not JSON stops reading', () => {
		expect(streamed('event: message\ndata: {"messages":[]}').cut).toBe(true);
		const garbled = streamed(event('Hello') + event({ messages: [text('GLEAN_AI', 'x')] }));
		expect(garbled.unreadableData).toBe('Hello');
		expect(garbled.hasContent).toBe(false);
	});

	test('Simplify off: the stream merged into one AgentRunWaitResponse, other fields and content kept', () => {
		const run = streamed(
			event({ run: { agent_id: 'a1' }, messages: [text('GLEAN_AI', 'Hi')] }) +
				event({
					messages: [
						{
							role: 'GLEAN_AI',
							content: [
								{ type: 'image', url: 'u' },
								{ text: '!', type: 'text' },
							],
						},
					],
					trace: 't1',
				}),
		);
		expect(run.toRaw()).toEqual({
			trace: 't1',
			run: { agent_id: 'a1', status: 'success' },
			messages: [
				{
					role: 'GLEAN_AI',
					content: [
						{ text: 'Hi!', type: 'text' },
						{ type: 'image', url: 'u' },
					],
				},
			],
		});
	});

	test('answer pieces reach the live answer as they come, USER text does not', () => {
		const live: string[] = [];
		const run = new AgentRunAggregator({ onAnswerDelta: (piece) => live.push(piece) });
		run.write(Buffer.from(event({ messages: [text('USER', 'q'), text('GLEAN_AI', 'a', 'b')] })));
		expect(live).toEqual(['a', 'b']);
	});

	test('a streamed run whose status says error fails, like the same run waited for', () => {
		const run = streamed(
			event({ messages: [text('GLEAN_AI', 'Partial')] }) + event({ run: { status: 'error' } }),
		);
		expect(run.error).toBe('Partial');
		expect(run.toSimplified().status).toBe('error');
	});

	test.each([[''], [false], [{}], [{ detail: '' }], [null]])(
		'an error field that says nothing (%j) does not fail the run',
		(error) => {
			const run = streamed(event({ messages: [text('GLEAN_AI', 'Fine')], error }));
			expect(run.error).toBeUndefined();
			expect(run.toSimplified().status).toBe('success');
		},
	);

	test('pieces that carry message IDs: a new ID starts a new message (a new paragraph)', () => {
		const run = streamed(
			event({ messages: [{ ...text('GLEAN_AI', 'First'), messageId: 'm1' }] }) +
				event({ messages: [{ ...text('GLEAN_AI', ' part.'), messageId: 'm1' }] }) +
				event({ messages: [{ ...text('GLEAN_AI', 'Second.'), messageId: 'm2' }] }),
		);
		expect(run.toSimplified().answer).toBe('First part.\n\nSecond.');
	});

	test('the last event closed by its newline but no blank line (as Glean’s spec example ends) counts', () => {
		const run = streamed(
			event({ messages: [text('GLEAN_AI', 'Hello')] }) +
				`event: message\ndata: ${JSON.stringify({ messages: [text('GLEAN_AI', ' world')] })}\n`,
		);
		expect(run.cut).toBe(false);
		expect(run.toSimplified().answer).toBe('Hello world');
		// Cut inside its line: the stream broke.
		expect(streamed(event({ messages: [text('GLEAN_AI', 'Hello')] }) + 'data: {"mess').cut).toBe(
			true,
		);
	});
});
