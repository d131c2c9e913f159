import type { IDataObject } from 'n8n-workflow';

import { defaultConversation, expectedAnswerText } from '../emulator/conversation';
import type { Scenario } from '../emulator/gleanEmulator';
import { questionOf, seededRandom } from '../emulator/gleanEmulator';
import { runGleanNode } from '../harness/n8nHarness';
import { gleanTestSetup } from '../harness/gleanTestSetup';

/**
 * A thousand streamed questions while Glean answers 5% of requests with 429 and 1% with 500,
 * at random (fixed seed): nothing is lost, order and pairing are exact, and every retry stays
 * within its limits. Waits are virtual, so this runs in seconds.
 */

const TOKEN = 'soak-secret-token';
const ITEMS = 1000;
const MAX_ATTEMPTS = 5;
const MAX_WAIT_MILLIS = 120_000;
const setup = gleanTestSetup(TOKEN, { virtualClock: true, seed: 7 });

test(`${ITEMS} items with 5% 429 and 1% 500 injected: none lost, order and pairing exact, retries within caps`, async () => {
	const random = seededRandom(2026);
	const injected = { 429: 0, 500: 0 };
	setup.glean.faults = (): Scenario | undefined => {
		const roll = random();
		if (roll < 0.05) {
			injected[429]++;
			// Half of them say when to come back, as Glean's rate limiter may.
			const headers: Record<string, string> = roll < 0.025 ? { 'Retry-After': '2' } : {};
			return { kind: 'text', status: 429, text: 'Too Many Requests', headers };
		}
		if (roll < 0.06) {
			injected[500]++;
			return { kind: 'text', status: 500, text: 'Internal Server Error' };
		}
		return undefined;
	};
	// Which item each retry wait belonged to: the question of the request just refused. The
	// first wait after a refusal is its retry wait; any other is a wait for a turn at the pace
	// learned from the 429s, which counts against the item that goes next.
	const waitsByQuestion = new Map<string, number[]>();
	const paceWaits: number[] = [];
	let requestsSeen = 0;
	setup.clock.onWait = (millis) => {
		const requests = setup.glean.requests;
		const last = requests[requests.length - 1];
		if (requests.length === requestsSeen || (last.status ?? 0) < 400) {
			paceWaits.push(millis);
			return;
		}
		requestsSeen = requests.length;
		const question = questionOf(last);
		waitsByQuestion.set(question, [...(waitsByQuestion.get(question) ?? []), millis]);
	};

	const questions = Array.from({ length: ITEMS }, (_, index) => `Question number ${index}?`);
	const { items, error } = await runGleanNode({
		parameters: { resource: 'chat', operation: 'sendMessage', message: '={{ $json.question }}' },
		items: questions.map((question) => ({ json: { question } })),
		credentials: { baseUrl: setup.glean.baseUrl, apiToken: TOKEN },
	});

	expect(error).toBeUndefined();
	expect(injected[429]).toBeGreaterThan(30);
	expect(injected[500]).toBeGreaterThan(3);
	expect(items).toHaveLength(ITEMS);
	items.forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		// The emulator's plan step names the question it answered: each output answers its own input.
		expect((item.json.steps as IDataObject[]).find((step) => step.type === 'plan')?.text).toBe(
			`Search company knowledge for: ${questions[index]}`,
		);
		expect(item.json.answer).toBe(expectedAnswerText(defaultConversation(questions[index])));
	});

	const attempts = new Map<string, number>();
	for (const request of setup.glean.requestsTo('chat'))
		attempts.set(questionOf(request), (attempts.get(questionOf(request)) ?? 0) + 1);
	expect(setup.glean.requestsTo('chat')).toHaveLength(ITEMS + injected[429] + injected[500]);
	expect(Math.max(...attempts.values())).toBeLessThanOrEqual(MAX_ATTEMPTS);
	for (const [question, waits] of waitsByQuestion) {
		expect(waits.length).toBe(attempts.get(question)! - 1);
		expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThanOrEqual(MAX_WAIT_MILLIS);
		waits.forEach((wait, retry) => {
			// Either Glean's Retry-After, or backoff within its bounds for this retry.
			if (wait !== 2000) {
				expect(wait).toBeGreaterThanOrEqual(500 * 2 ** retry);
				expect(wait).toBeLessThanOrEqual(1000 * 2 ** retry);
			}
		});
	}
	expect([...waitsByQuestion.values()].flat()).toHaveLength(injected[429] + injected[500]);
	// Random 429s look like a rate limit: the node paces, but never beyond an item's wait limit.
	expect(paceWaits.length).toBeGreaterThan(0);
	expect(Math.max(...paceWaits)).toBeLessThanOrEqual(MAX_WAIT_MILLIS);
}, 60_000);
