import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { defaultConversation, expectedAnswerText } from '../emulator/conversation';
import { questionOf } from '../emulator/gleanEmulator';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { PACKAGE_DIR, runGleanNode } from '../harness/n8nHarness';
import { useVirtualRetryClock } from '../harness/virtualClock';

/**
 * An item that only reads lends its Concurrency place while it waits to try again; calls that
 * change something keep theirs, so at Concurrency 1 nothing after them runs before they end.
 */

const TOKEN = 'lending-secret-token';
const setup = gleanTestSetup(TOKEN);
const { credentials } = setup;

const sendMessage = (options: INodeParameters): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: '={{ $json.q }}',
	options,
});

describe('an item waiting out a 429 lends its place (Concurrency 1)', () => {
	const tooMany = {
		kind: 'text',
		status: 429,
		text: 'Too Many Requests',
		headers: { 'Retry-After': '1' },
	} as const;

	test('a question that is not saved: the next item goes while it waits, outputs stay in order', async () => {
		setup.glean.enqueue('chat', tooMany);
		const clock = useVirtualRetryClock();
		// The first wait, the refused item's Retry-After, lasts until the next item's request has
		// reached Glean: it never ends if the place is not lent. (By then the virtual clock is
		// past Glean's pause, so the next item goes without waiting.)
		let waits = 0;
		clock.onWait = async () => {
			if (++waits === 1) await setup.glean.nextRequest('chat');
		};
		try {
			const { items, error } = await runGleanNode({
				parameters: sendMessage({}),
				items: [{ json: { q: 'first' } }, { json: { q: 'second' } }],
				credentials: credentials(),
			});
			expect(error).toBeUndefined();
			expect(setup.glean.requestsTo('chat').map(questionOf)).toEqual(['first', 'second', 'first']);
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(items.map((item) => item.json.answer)).toEqual(
				['first', 'second'].map((q) => expectedAnswerText(defaultConversation(q))),
			);
			expect(setup.glean.maxInFlight).toBe(1);
		} finally {
			clock.restore();
		}
	});

	test('a message saved to a chat keeps its place: the next item waits for its retry', async () => {
		setup.glean.enqueue('chat', tooMany);
		const clock = useVirtualRetryClock();
		try {
			const { error } = await runGleanNode({
				parameters: sendMessage({ saveChat: true }),
				items: [{ json: { q: 'first' } }, { json: { q: 'second' } }],
				credentials: credentials(),
			});
			expect(error).toBeUndefined();
			// Had the place been lent, the second item would have ended before the first came back.
			expect(setup.glean.requestsTo('chat').map(questionOf)).toEqual(['first', 'first', 'second']);
		} finally {
			clock.restore();
		}
	});
});

test('a call that changes something (Chat → Delete) keeps its place: after its last retry fails, no later item has run', async () => {
	for (let index = 0; index < 4; index++) {
		setup.glean.chats.set(`chat-${index}`, {
			id: `chat-${index}`,
			name: `chat ${index}`,
			createTime: 1,
			updateTime: 2,
			messages: [],
		} as never);
	}
	setup.glean.faults = (request) =>
		JSON.stringify(request.body).includes('chat-0')
			? ({ kind: 'text', status: 500, text: 'Internal Server Error' } as const)
			: undefined;
	const clock = useVirtualRetryClock();
	// Each retry wait lasts a little real time: had the place been lent, the next items would
	// have been sent meanwhile.
	clock.onWait = async (_millis, signal) => await sleep(20, signal);
	try {
		const { error } = await runGleanNode({
			parameters: { resource: 'chat', operation: 'delete', chatIds: '={{ $json.id }}' },
			items: Array.from({ length: 4 }, (_, index) => ({ json: { id: `chat-${index}` } })),
			credentials: credentials(),
		});
		expect(error?.message).toMatch(/^Glean answered 500/);
		expect(setup.glean.requestsTo('deletechats')).toHaveLength(5);
		expect([...setup.glean.chats.keys()]).toEqual(['chat-0', 'chat-1', 'chat-2', 'chat-3']);
	} finally {
		clock.restore();
	}
});

test('a call that ends in a throw (the client’s time limit) leaves its Glean user’s pace free to be forgotten', async () => {
	setup.glean.enqueue('chat', { kind: 'silent' });
	const { error } = await runGleanNode({
		parameters: {
			resource: 'chat',
			operation: 'sendMessage',
			message: 'Anyone there?',
			stream: false,
			options: { timeoutMillis: 300, retry: { settings: { maxAttempts: 1, maxWaitSeconds: 0 } } },
		},
		credentials: credentials(),
	});
	expect(error?.message).toMatch(/300|time/i);
	// The pace module n8n-core loaded (the built package): nothing holds the user's pace now.
	const { paceFor, FORGET_AFTER_MILLIS } = require(
		join(PACKAGE_DIR, 'dist/nodes/GleanChat/transport/pace.js'),
	) as typeof import('../../nodes/GleanChat/transport/pace');
	const pace = paceFor({ baseUrl: setup.glean.baseUrl, caller: TOKEN }, 'chat');
	expect(pace.quietFor(Date.now() + 2 * FORGET_AFTER_MILLIS, FORGET_AFTER_MILLIS)).toBe(true);
});
