import type { IDataObject } from 'n8n-workflow';

import type { Conversation } from '../emulator/conversation';
import {
	conversationLines,
	conversationResponse,
	defaultConversation,
	expectedAnswerText,
	liveText,
} from '../emulator/conversation';
import type { Scenario } from '../emulator/gleanEmulator';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * The answer is what Glean means: an agentic answer's plan (CONTENT before the tool steps) is
 * not part of `answer` or `markdown`, separate answer messages are separate paragraphs, and a run
 * that ends without answer text is an error, streamed or not, as the emulator now plays them.
 */

const setup = gleanTestSetup('agentic-token-c0ffee');
const QUESTION = 'What changed in the roadmap?';
const sendMessage = (extra: IDataObject = {}) => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: QUESTION,
	...extra,
});

/** The smallest input: a plan, a tool step, then the answer. */
const PLAN_THEN_ANSWER = [
	{
		author: 'GLEAN_AI',
		messageType: 'CONTENT',
		fragments: [{ text: 'I will look through the release notes and the roadmap, then summarise.' }],
	},
	{
		author: 'GLEAN_AI',
		messageType: 'UPDATE',
		fragments: [{ text: 'Searching company knowledge' }],
	},
	{
		author: 'GLEAN_AI',
		messageType: 'CONTENT',
		fragments: [
			{
				text: 'The Atlas release moved to October 14. ',
				citation: {
					sourceDocument: { title: 'Roadmap', url: 'https://docs.example.test/roadmap' },
				},
			},
			{ text: 'Owners: the platform team.' },
		],
	},
];

describe('a plan before the tools is not glued onto the answer', () => {
	const expected = {
		answer: 'The Atlas release moved to October 14. Owners: the platform team.',
		citations: [{ title: 'Roadmap', url: 'https://docs.example.test/roadmap', type: 'document' }],
		followUpPrompts: [],
		steps: [
			{
				type: 'message',
				text: 'I will look through the release notes and the roadmap, then summarise.',
			},
			{ type: 'plan', text: 'Searching company knowledge' },
		],
		markdown:
			'The Atlas release moved to October 14. [1]Owners: the platform team.\n\n**Sources**\n1. [Roadmap](https://docs.example.test/roadmap)',
	};

	test('not streamed', async () => {
		setup.glean.enqueue('chat', { kind: 'json', json: { messages: PLAN_THEN_ANSWER } });
		const { items, error } = await runGleanNode({
			parameters: sendMessage({ stream: false }),
			credentials: setup.credentials(),
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual(expected);
	});

	test('streamed, each message under its own messageId, in n8n’s chat: the plan is its own paragraph', async () => {
		const lines = PLAN_THEN_ANSWER.map((message, index) => ({
			messages: [{ ...message, messageId: `m${index + 1}` }],
		}));
		setup.glean.enqueue('chat', {
			kind: 'ndjson',
			body: lines,
			chunking: { random: { seed: 7, maxSize: 9 } },
		});
		const { items, chunks, error } = await runGleanNode({
			parameters: sendMessage(),
			credentials: setup.credentials(),
			streaming: true,
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual(expected);
		const live = chunks
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => chunk.content)
			.join('');
		expect(live).toBe(`${expected.steps[0].text}\n\n${expected.answer}`);
		expect(chunks.map((chunk) => chunk.type).filter((type) => type !== 'item')).toEqual([
			'begin',
			'end',
		]);
	});

	test('the AI Agent tool gets the answer without the plan', async () => {
		setup.glean.enqueue('chat', {
			kind: 'ndjson',
			body: PLAN_THEN_ANSWER.map((message) => ({ messages: [message] })),
		});
		const { outputs, error } = await runGleanNode({
			parameters: sendMessage({
				message: "={{ $fromAI('question', 'The question for Glean', 'string') }}",
			}),
			credentials: setup.credentials(),
			asToolWith: { question: QUESTION },
		});
		expect(error).toBeUndefined();
		const [result] = JSON.parse(String(outputs.Agent[0].json.result)) as Array<{ answer: string }>;
		expect(result.answer).toBe(
			'The Atlas release moved to October 14. [1]Owners: the platform team.',
		);
	});

	test('a later UPDATE that only marks a step complete does not drop the answer', async () => {
		const lines = [
			...PLAN_THEN_ANSWER.map((message, index) => ({
				messages: [{ ...message, messageId: `m${index + 1}`, stepId: 'S1' }],
			})),
			{
				messages: [
					{
						author: 'GLEAN_AI',
						messageType: 'UPDATE',
						messageId: 'm4',
						stepId: 'S1',
						isStepComplete: true,
					},
				],
			},
		];
		setup.glean.enqueue('chat', { kind: 'ndjson', body: lines });
		const { items, error } = await runGleanNode({
			parameters: sendMessage(),
			credentials: setup.credentials(),
		});
		expect(error).toBeUndefined();
		expect(items[0].json.answer).toBe(expected.answer);
		expect((items[0].json.steps as IDataObject[])[1]).toEqual({
			type: 'plan',
			text: 'Searching company knowledge',
			stepId: 'S1',
			complete: true,
		});
	});
});

/** Conversations the emulator plays, each in the shape Glean sends it. */
const conversations: Array<[string, (conversation: Conversation) => void]> = [
	['agentic: plan, tools, answer (the default)', () => {}],
	[
		'several answer messages',
		(conversation) =>
			conversation.answer.push(
				{ newMessage: true },
				'A second paragraph, sent as its own message.',
			),
	],
	['no messageId anywhere', (conversation) => (conversation.withoutMessageIds = true)],
	[
		'several answer messages, no messageId',
		(conversation) => {
			conversation.withoutMessageIds = true;
			conversation.answer.push({ newMessage: true }, 'A second paragraph.', { cite: 1 });
		},
	],
	['no plan before the tools', (conversation) => delete conversation.intro],
];

describe.each(conversations)('%s', (_name, shape) => {
	const conversation = defaultConversation(QUESTION);
	shape(conversation);

	test.each([1, 2, 3])(
		'streamed (seed %i) and not streamed give the same item: the answer in paragraphs, without the plan',
		async (seed) => {
			setup.glean.enqueue(
				'chat',
				{
					kind: 'ndjson',
					body: conversationLines(conversation),
					chunking: { random: { seed, maxSize: [2, 40, 900][seed - 1] } },
				},
				{ kind: 'json', json: conversationResponse(conversation) },
			);
			const streamed = await runGleanNode({
				parameters: sendMessage(),
				credentials: setup.credentials(),
				streaming: true,
			});
			const whole = await runGleanNode({
				parameters: sendMessage({ stream: false }),
				credentials: setup.credentials(),
			});
			expect(streamed.error).toBeUndefined();
			expect(whole.error).toBeUndefined();
			expect(streamed.items[0].json).toEqual(whole.items[0].json);
			expect(whole.items[0].json.answer).toBe(expectedAnswerText(conversation));
			const steps = whole.items[0].json.steps as IDataObject[];
			expect(steps.filter((step) => step.type === 'message').map((step) => step.text)).toEqual(
				conversation.intro ? [conversation.intro] : [],
			);
			expect(
				streamed.chunks
					.filter((chunk) => chunk.type === 'item')
					.map((chunk) => chunk.content)
					.join(''),
			).toBe(liveText(conversation));
		},
	);
});

describe('an unfinished run is an error, not an empty answer', () => {
	test.each([
		['an UPDATE, then empty CONTENT', 'emptyContent', true],
		['an UPDATE, then empty CONTENT', 'emptyContent', false],
		['only steps', 'onlySteps', true],
		['only steps', 'onlySteps', false],
	] as const)('%s (%s, streamed: %s)', async (_name, unfinished, stream) => {
		const conversation = defaultConversation(QUESTION);
		conversation.unfinished = unfinished;
		const scenario: Scenario = stream
			? { kind: 'ndjson', body: conversationLines(conversation) }
			: { kind: 'json', json: conversationResponse(conversation) };
		setup.glean.enqueue('chat', scenario, scenario);
		const failed = await runGleanNode({
			parameters: sendMessage({ stream }),
			credentials: setup.credentials(),
			streaming: stream,
		});
		expect(failed.items).toEqual([]);
		expect(failed.error?.message).toBe(
			'Glean returned no answer text: the run ended after 5 step(s) before Glean wrote its answer',
		);
		if (stream) {
			// One error chunk (n8n-core's, as the node fails), starting with the reason.
			const errors = failed.chunks.filter((chunk) => chunk.type === 'error');
			expect(errors).toHaveLength(1);
			expect(errors[0].content?.startsWith(`${failed.error?.message}\n\n`)).toBe(true);
			expect(failed.chunks.some((chunk) => chunk.type === 'end')).toBe(false);
		}

		const kept = await runGleanNode({
			parameters: sendMessage({ stream }),
			credentials: setup.credentials(),
			continueOnFail: true,
		});
		expect(kept.items).toHaveLength(1);
		expect(kept.items[0].json.partial).toBe(true);
		const partial = kept.items[0].json.partialAnswer as IDataObject;
		expect(partial.answer).toBe('');
		expect((partial.steps as IDataObject[]).map((step) => step.type)).toEqual([
			'message',
			'plan',
			'search',
			'read',
			'write',
		]);
	});
});
