import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { defaultConversation, expectedAnswerText } from '../emulator/conversation';
import { questionOf } from '../emulator/gleanEmulator';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';
import { operationCases } from '../harness/operationCases';
import { forgetGleanPaces } from '../harness/virtualClock';

/**
 * Options → Concurrency: up to N items' requests at once, outputs in input order with exact
 * pairing, and turns at Glean's pace once it says 429 (or at Max Requests per Minute).
 */

const TOKEN = 'concurrency-secret-token';
const setup = gleanTestSetup(TOKEN);
const { credentials } = setup;

const sendMessage = (options: INodeParameters, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: '={{ $json.q }}',
	options,
	...extra,
});

describe('Concurrency', () => {
	test('20 items, 5 at a time, answered out of order: outputs stay in input order with exact pairing', async () => {
		// Later items answer sooner, so completion order is not input order.
		setup.glean.responseDelayMs = (request) => 60 - 2 * Number(/\d+/.exec(questionOf(request))![0]);
		const questions = Array.from({ length: 20 }, (_, index) => `question ${index}`);
		const { items, error } = await runGleanNode({
			parameters: sendMessage({ concurrency: 5 }),
			items: questions.map((q) => ({ json: { q } })),
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect(setup.glean.maxInFlight).toBe(5);
		expect(items.map((item) => item.pairedItem)).toEqual(questions.map((_, item) => ({ item })));
		expect(items.map((item) => item.json.answer)).toEqual(
			questions.map((q) => expectedAnswerText(defaultConversation(q))),
		);
		// Glean did finish them out of order.
		const finished = [...setup.glean.requestsTo('chat')]
			.sort((a, b) => a.closedAt! - b.closedAt!)
			.map(questionOf);
		expect(finished).not.toEqual(questions);
	});

	test('the default (1) sends one request at a time', async () => {
		setup.glean.responseDelayMs = 20;
		await runGleanNode({
			parameters: sendMessage({}),
			items: [{ json: { q: 'a' } }, { json: { q: 'b' } }, { json: { q: 'c' } }],
			credentials: credentials(),
		});
		expect(setup.glean.maxInFlight).toBe(1);
	});

	test.each(operationCases.map((operation) => [operation.name, operation] as const))(
		'%s: 4 items at once give the same outputs as one at a time',
		async (_name, operation) => {
			setup.glean.responseDelayMs = 30;
			const runWith = async (concurrency: number) => {
				setup.glean.reset();
				setup.glean.responseDelayMs = 30;
				operation.setup?.(setup.glean);
				const input = operation.items?.[0] ?? { json: {} };
				const parameters = {
					...operation.parameters,
					options: {
						...((operation.parameters.options as INodeParameters | undefined) ?? {}),
						concurrency,
					},
				};
				const result = await runGleanNode({
					parameters,
					items: [input, input, input, input],
					credentials: credentials(),
				});
				expect(result.error).toBeUndefined();
				return { items: result.items, maxInFlight: setup.glean.maxInFlight };
			};
			const one = await runWith(1);
			const four = await runWith(4);
			expect(one.maxInFlight).toBe(1);
			expect(four.maxInFlight).toBe(4);
			const comparable = (items: typeof one.items) =>
				items.map((item) => ({
					...item,
					json: withoutGeneratedIds(item.json),
					binary: item.binary ? Object.keys(item.binary) : undefined,
				}));
			expect(comparable(four.items)).toEqual(comparable(one.items));
		},
	);

	test('Continue On Fail: failures among parallel items become error items in their place', async () => {
		setup.glean.responseDelayMs = (request) => (questionOf(request) === 'q2' ? 50 : 5);
		setup.glean.faults = (request) =>
			questionOf(request) === 'q1' || questionOf(request) === 'q4'
				? { kind: 'text', status: 400, text: 'Bad Request' }
				: undefined;
		const { items } = await runGleanNode({
			parameters: sendMessage({ concurrency: 3 }),
			items: ['q0', 'q1', 'q2', ' ', 'q4', 'q5'].map((q) => ({ json: { q } })),
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
		);
		expect(items.map((item) => (item.json.error as string | undefined) ?? 'answer')).toEqual([
			'answer',
			'Glean answered 400: Bad Request',
			'answer',
			'Item 3: the "Message" parameter is empty',
			'Glean answered 400: Bad Request',
			'answer',
		]);
	});

	test('without Continue On Fail, the earliest failing item fails the node and no new item starts', async () => {
		setup.glean.responseDelayMs = (request) => (questionOf(request) === 'q0' ? 80 : 5);
		setup.glean.faults = (request) =>
			['q1', 'q2'].includes(questionOf(request))
				? { kind: 'text', status: 400, text: 'Bad Request' }
				: undefined;
		const { error, items } = await runGleanNode({
			parameters: sendMessage({ concurrency: 3 }),
			items: Array.from({ length: 10 }, (_, index) => ({ json: { q: `q${index}` } })),
			credentials: credentials(),
		});
		expect(items).toEqual([]);
		expect(error?.message).toBe('Glean answered 400: Bad Request');
		expect(error?.context?.itemIndex).toBe(1);
		// q0..q2 started together; after q1 failed, nothing new began.
		expect(setup.glean.requestsTo('chat').map(questionOf).sort()).toEqual(['q0', 'q1', 'q2']);
	});

	test('against a rate limit (1 request per 50 ms), 10 parallel items all get through, without a storm of 429s', async () => {
		// Glean's limiter in miniature: a request within 50 ms of the last one let through is refused.
		let nextAllowed = 0;
		let refused = 0;
		setup.glean.faults = (request) => {
			if (request.receivedAt < nextAllowed) {
				refused++;
				return {
					kind: 'text',
					status: 429,
					text: 'Too Many Requests',
					headers: { 'Retry-After': '0.05' },
				};
			}
			nextAllowed = request.receivedAt + 50;
			return undefined;
		};
		const { items, error } = await runGleanNode({
			parameters: sendMessage({
				concurrency: 10,
				retry: { settings: { maxAttempts: 10, maxWaitSeconds: 60 } },
			}),
			items: Array.from({ length: 10 }, (_, index) => ({ json: { q: `q${index}` } })),
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.error)).toEqual(
			Array.from({ length: 10 }, () => undefined),
		);
		// All retrying at the same instant after each pause would let one through per round: 9 + 8 + … + 1 = 45 refusals.
		expect(refused).toBeLessThan(30);
	});

	test("Max Requests per Minute spaces the requests from the first one; an item's wait first in line counts against its limit", async () => {
		const run = async (maxWaitSeconds: number) => {
			setup.glean.reset();
			forgetGleanPaces();
			const { items } = await runGleanNode({
				parameters: sendMessage({
					concurrency: 3,
					maxRequestsPerMinute: 120,
					retry: { settings: { maxAttempts: 5, maxWaitSeconds } },
				}),
				items: [{ json: { q: 'q0' } }, { json: { q: 'q1' } }, { json: { q: 'q2' } }],
				credentials: credentials(),
				continueOnFail: true,
			});
			return items;
		};
		// 120 per minute: one every 0.5 s. First in line, q1 and then q2 would wait 0.5 s: more
		// than their 0.3 s (waiting behind q1 costs q2 nothing: it is like waiting to start).
		let items = await run(0.3);
		const tooLong =
			'"Max Requests per Minute" (120) spaces these requests: the next try would be in 0.5 s, more than the 0.3 s left of this item\'s retry wait limit';
		expect(items.map((item) => item.json.error)).toEqual([undefined, tooLong, tooLong]);
		expect(items[2].json.description).toContain(
			'Raise "Max Requests per Minute" if Glean allows more',
		);
		expect(setup.glean.requestsTo('chat').map(questionOf)).toEqual(['q0']);
		items = await run(0.6);
		expect(items.map((item) => item.json.error)).toEqual([undefined, undefined, undefined]);
		const sent = setup.glean.requestsTo('chat');
		expect(sent.map(questionOf)).toEqual(['q0', 'q1', 'q2']);
		// Spaced 500 ms as they leave; their arrival varies by the client's own few milliseconds.
		expect(sent[1].receivedAt - sent[0].receivedAt).toBeGreaterThanOrEqual(450);
		expect(sent[2].receivedAt - sent[1].receivedAt).toBeGreaterThanOrEqual(450);
		expect(sent[2].receivedAt - sent[0].receivedAt).toBeGreaterThanOrEqual(950);
	});

	test('one 429 pauses every parallel request for its Retry-After: no retry storm', async () => {
		setup.glean.responseDelayMs = 40;
		let refusedAt = 0;
		setup.glean.faults = (request) => {
			if (questionOf(request) !== 'q0' || refusedAt !== 0) return undefined;
			refusedAt = request.receivedAt;
			return {
				kind: 'text',
				status: 429,
				text: 'Too Many Requests',
				headers: { 'Retry-After': '0.3' },
			};
		};
		const { items, error } = await runGleanNode({
			parameters: sendMessage({ concurrency: 4 }),
			items: Array.from({ length: 12 }, (_, index) => ({ json: { q: `q${index}` } })),
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(12);
		const requests = setup.glean.requestsTo('chat');
		expect(requests).toHaveLength(13);
		// Glean answered the 429 after its 40 ms pause; from then until 300 ms later nobody sent anything.
		const pauseStart = refusedAt + 40;
		const sentDuringPause = requests.filter(
			(request) => request.receivedAt > pauseStart + 5 && request.receivedAt < pauseStart + 295,
		);
		expect(sentDuringPause.map(questionOf)).toEqual([]);
		// And the others were ready to go on: they were sent right after it.
		expect(
			requests.filter((request) => request.receivedAt >= pauseStart + 295).length,
		).toBeGreaterThanOrEqual(4);
	});
});

/** What Glean makes up (new chat and file IDs, upload times) differs between runs; everything else must match. */
function withoutGeneratedIds(json: IDataObject): IDataObject {
	return JSON.parse(
		JSON.stringify(json)
			.replace(/FILE_[0-9a-f]{12}/g, 'FILE_x')
			.replace(/chat-\d+/g, 'chat-x')
			.replace(/"uploadTime":\d+/g, '"uploadTime":0'),
	) as IDataObject;
}
