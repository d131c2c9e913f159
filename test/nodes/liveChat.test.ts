import type { IDataObject, INodeParameters, StructuredChunk } from 'n8n-workflow';

import {
	answerDeltas,
	conversationLines,
	defaultConversation,
	toNdjson,
} from '../emulator/conversation';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Live answers in n8n's chat: a Chat Trigger with a streaming response hands the node items
 * like { sessionId, chatInput }, and n8n streams the run (sendChunk hooks, streamingEnabled).
 * Glean's answer must grow piece by piece in order, nothing twice, one `end` (or one `error`).
 */

// No answer text begins like it, so the redactor holds nothing back and pieces are Glean's deltas.
const TOKEN = 'Zq7-live-chat-secret-token';
const setup = gleanTestSetup(TOKEN);

const chatNode: INodeParameters = {
	resource: 'chat',
	operation: 'sendMessage',
	message: '={{ $json.chatInput }}',
	options: { sessionKey: '={{ $json.sessionId }}' },
};

const types = (chunks: StructuredChunk[]) => chunks.map((chunk) => chunk.type);
const pieces = (chunks: StructuredChunk[]) =>
	chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content);

describe('live answers in n8n chat', () => {
	test('a two-message conversation: each answer streams in order, once, and ends once; the second continues the chat', async () => {
		const staticData: IDataObject = {};
		const ask = async (chatInput: string) =>
			await runGleanNode({
				parameters: chatNode,
				items: [{ json: { sessionId: 'widget-1', action: 'sendMessage', chatInput } }],
				credentials: setup.credentials(),
				streaming: true,
				staticData,
			});
		for (const question of ['What changed in the roadmap?', 'And who owns it?']) {
			const { chunks, items } = await ask(question);
			const deltas = answerDeltas(defaultConversation(question));
			expect(types(chunks)).toEqual(['begin', ...deltas.map(() => 'item'), 'end']);
			expect(pieces(chunks)).toEqual(deltas);
			// The chat shows the plan Glean wrote before its tools as a paragraph of its own; the item's answer leaves it out.
			expect(deltas.join('')).toBe(
				`${defaultConversation(question).intro}\n\n${items[0].json.answer as string}`,
			);
		}
		const [first, second] = setup.glean
			.requestsTo('chat')
			.map((request) => request.body as { chatId?: string });
		expect(first.chatId).toBeUndefined();
		expect(second.chatId).toEqual(expect.any(String));
	});

	test('bytes arriving one at a time still give each piece exactly once, in order', async () => {
		const conversation = defaultConversation('Hi');
		setup.glean.enqueue('chat', {
			kind: 'ndjson',
			body: toNdjson(conversationLines(conversation)),
			chunking: { sizes: [1] },
		});
		const { chunks } = await runGleanNode({
			parameters: chatNode,
			items: [{ json: { sessionId: 's', chatInput: 'Hi' } }],
			credentials: setup.credentials(),
			streaming: true,
		});
		expect(pieces(chunks)).toEqual(answerDeltas(conversation));
		expect(types(chunks).filter((type) => type === 'end')).toHaveLength(1);
	});

	test.each([
		['an ERROR message', 'error-line', true],
		['a dropped connection', 'drop', true],
		['an ERROR message', 'error-line', false],
		['a dropped connection', 'drop', false],
	])(
		'%s mid-answer (%s, Continue On Fail: %s): the pieces so far, then exactly one error chunk with the reason, and no end',
		async (_name, fault, continueOnFail) => {
			const lines = conversationLines(defaultConversation('Hi'));
			const cut =
				lines.findIndex((line) => JSON.stringify(line).includes('"messageType":"CONTENT"')) + 8;
			const errorLine = {
				messages: [
					{
						author: 'GLEAN_AI',
						messageType: 'ERROR',
						fragments: [{ text: 'The model is overloaded' }],
					},
				],
			};
			setup.glean.enqueue(
				'chat',
				fault === 'drop'
					? {
							kind: 'ndjson',
							body: toNdjson(lines),
							dropAfterBytes: Buffer.byteLength(toNdjson(lines.slice(0, cut))) + 10,
						}
					: { kind: 'ndjson', body: [...lines.slice(0, cut), errorLine] },
			);
			const { chunks, items } = await runGleanNode({
				parameters: chatNode,
				items: [{ json: { sessionId: 's', chatInput: 'Hi' } }],
				credentials: setup.credentials(),
				streaming: true,
				continueOnFail,
			});
			const sequence = types(chunks);
			expect(sequence[0]).toBe('begin');
			expect(sequence.filter((type) => type === 'error')).toHaveLength(1);
			expect(sequence[sequence.length - 1]).toBe('error');
			expect(sequence).not.toContain('end');
			expect(
				answerDeltas(defaultConversation('Hi')).join('').startsWith(pieces(chunks).join('')),
			).toBe(true);
			expect(chunks[chunks.length - 1].content).toMatch(
				fault === 'drop' ? /connection to Glean was lost/ : /The model is overloaded/,
			);
			// Without Continue On Fail the node fails and n8n-core sends that one chunk: it starts with the reason.
			if (!continueOnFail)
				expect(chunks[chunks.length - 1].content).toMatch(
					/^Glean('s answer stopped before it was complete| reported an error while answering): /,
				);
			if (continueOnFail) expect(items[0].json.partial).toBe(true);
		},
	);

	test('with Concurrency above 1, a streamed run still answers one item at a time, so answers never mix', async () => {
		const { chunks } = await runGleanNode({
			parameters: { ...chatNode, options: { concurrency: 5 } },
			items: ['one', 'two', 'three'].map((chatInput) => ({ json: { chatInput } })),
			credentials: setup.credentials(),
			streaming: true,
		});
		const order = chunks.map((chunk) => chunk.metadata.itemIndex);
		expect(order).toEqual([...order].sort((a, b) => a - b));
		expect(setup.glean.maxInFlight).toBe(1);
	});
});
