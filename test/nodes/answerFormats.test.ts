import type { INodeParameters } from 'n8n-workflow';

import { defaultConversation } from '../emulator/conversation';
import { RELEASE_NOTES, runParameters } from '../harness/agentCases';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Answer Formats and Drop Closing Offer on Send Message and Agent → Run, in n8n-core's engine:
 * each rendering in its own field, `answer` and `markdown` otherwise unchanged, the closing
 * offer gone from all of them, streamed or not.
 */

const TOKEN = 'Fm3-answer-formats-secret';
const setup = gleanTestSetup(TOKEN);

/** Glean's default answer, in Markdown, ending with the offer Glean often closes with. */
function answerWithOffer(question: string, chatId?: string) {
	const conversation = defaultConversation(question, chatId);
	conversation.answer = [
		'**Atlas** moves to _October 14_',
		{ cite: 0 },
		'; the checklist adds a `security review` & <sign-off>',
		{ cite: 1 },
		'.\n\n- beta for the new search UI\n- [release notes](https://docs.example.com/rn?v=2&x=1)',
		'\n\n---\n\nWould you like me to look for the launch owners as well?',
	];
	return conversation;
}

const sendMessage = (options: INodeParameters, stream = true): INodeParameters => ({
	resource: 'chat',
	operation: 'sendMessage',
	message: 'What changed?',
	stream,
	options,
});

test.each([true, false])(
	'Send Message (stream %s): Slack, HTML and plain text fields, and the offer dropped everywhere',
	async (stream) => {
		setup.glean.conversationFor = answerWithOffer;
		const { items, error } = await runGleanNode({
			parameters: sendMessage(
				{ answerFormats: ['slack', 'html', 'plainText'], dropClosingOffer: true },
				stream,
			),
			credentials: setup.credentials(),
		});
		expect(error).toBeUndefined();
		const json = items[0].json;
		const q4 = 'https://wiki.example.com/roadmap/q4';
		const checklist = 'https://docs.example.com/d/atlas-checklist';
		expect(json.answer).toBe(
			'**Atlas** moves to _October 14_; the checklist adds a `security review` & <sign-off>.\n\n- beta for the new search UI\n- [release notes](https://docs.example.com/rn?v=2&x=1)',
		);
		expect(json.markdown).toBe(
			`**Atlas** moves to _October 14_[1]; the checklist adds a \`security review\` & <sign-off>[2].\n\n- beta for the new search UI\n- [release notes](https://docs.example.com/rn?v=2&x=1)\n\n**Sources**\n1. [Roadmap 2026 – Q4 update](${q4})\n2. [Launch checklist (Atlas)](${checklist})`,
		);
		expect(json.slack).toBe(
			`*Atlas* moves to _October 14_<${q4}|[1]>; the checklist adds a \`security review\` &amp; &lt;sign-off&gt;<${checklist}|[2]>.\n\n• beta for the new search UI\n• <https://docs.example.com/rn?v=2&amp;x=1|release notes>\n\n*Sources*\n1. <${q4}|Roadmap 2026 – Q4 update>\n2. <${checklist}|Launch checklist (Atlas)>`,
		);
		expect(json.html).toBe(
			`<p><strong>Atlas</strong> moves to <em>October 14</em><a href="${q4}">[1]</a>; the checklist adds a <code>security review</code> &amp; &lt;sign-off&gt;<a href="${checklist}">[2]</a>.</p>\n<ul><li>beta for the new search UI</li><li><a href="https://docs.example.com/rn?v=2&amp;x=1">release notes</a></li></ul>\n<p><strong>Sources</strong></p>\n<ol><li><a href="${q4}">Roadmap 2026 – Q4 update</a></li><li><a href="${checklist}">Launch checklist (Atlas)</a></li></ol>`,
		);
		expect(json.plainText).toBe(
			`Atlas moves to October 14[1]; the checklist adds a security review & <sign-off>[2].\n\n• beta for the new search UI\n• release notes (https://docs.example.com/rn?v=2&x=1)\n\nSources\n[1] Roadmap 2026 – Q4 update – ${q4}\n[2] Launch checklist (Atlas) – ${checklist}`,
		);
	},
);

test('without the options: the item is as before, the offer kept, no rendering fields', async () => {
	setup.glean.conversationFor = answerWithOffer;
	const { items } = await runGleanNode({
		parameters: sendMessage({}),
		credentials: setup.credentials(),
	});
	expect(items[0].json.answer).toMatch(
		/Would you like me to look for the launch owners as well\?$/,
	);
	expect(Object.keys(items[0].json)).not.toEqual(expect.arrayContaining(['slack']));
	expect(items[0].json).not.toHaveProperty('html');
});

test('Agent → Run: the renderings of the agent’s answer, and its offer dropped', async () => {
	setup.glean.agents.agents.set('release-notes', {
		...RELEASE_NOTES,
		answer: ['**Release 2.4**: faster ', 'search.\n\nLet me know if you want a shorter version.'],
	});
	const { items } = await runGleanNode({
		parameters: runParameters({
			options: { answerFormats: ['slack', 'plainText'], dropClosingOffer: true },
		}),
		items: [{ json: { version: '2.4' } }],
		credentials: setup.credentials(),
	});
	expect(items[0].json).toMatchObject({
		answer: '**Release 2.4**: faster search.',
		slack: '*Release 2.4*: faster search.',
		plainText: 'Release 2.4: faster search.',
		status: 'success',
	});
	expect(items[0].json).not.toHaveProperty('html');
});

test('an unknown format from an expression: the item fails naming the option, nothing is sent', async () => {
	const { error } = await runGleanNode({
		parameters: sendMessage({ answerFormats: '={{ ["slack", "pdf"] }}' }),
		credentials: setup.credentials(),
	});
	expect(error?.message).toBe(
		'Item 0: "Answer Formats" is "pdf", but must be Slack, HTML or Plain Text',
	);
	expect(setup.glean.requestsTo('chat')).toHaveLength(0);
});

test('items with different options in one run each get their own; as a tool, only the offer is dropped', async () => {
	setup.glean.conversationFor = answerWithOffer;
	const { items } = await runGleanNode({
		parameters: sendMessage({
			answerFormats: '={{ $json.formats }}',
			dropClosingOffer: '={{ $json.drop }}',
		}),
		items: [{ json: { formats: ['html'], drop: false } }, { json: { formats: [], drop: true } }],
		credentials: setup.credentials(),
	});
	expect(Object.keys(items[0].json)).toContain('html');
	expect(items[0].json.answer).toMatch(/Would you like me/);
	expect(items[1].json).not.toHaveProperty('html');
	expect(items[1].json.answer).not.toMatch(/Would you like me/);

	const { outputs } = await runGleanNode({
		parameters: {
			...sendMessage({ answerFormats: ['slack'], dropClosingOffer: true }),
			message: "={{ $fromAI('question', 'The question', 'string') }}",
		},
		credentials: setup.credentials(),
		asToolWith: { question: 'What changed?' },
	});
	const [result] = JSON.parse(outputs.Agent[0].json.result as string) as Array<
		Record<string, unknown>
	>;
	expect(Object.keys(result).sort()).toEqual(['answer', 'sources']);
	expect(result.answer).not.toMatch(/Would you like me/);
});

test('Agent → Run: the same renderings streamed or waited for', async () => {
	setup.glean.agents.agents.set('release-notes', {
		...RELEASE_NOTES,
		answer: ['# Release ', '2.4\n\n- faster *search*\n- [notes](https://n.example/2.4)'],
	});
	const options = { answerFormats: ['slack', 'html', 'plainText'] };
	const run = async (stream: boolean) =>
		(
			await runGleanNode({
				parameters: runParameters({ stream, options }),
				items: [{ json: { version: '2.4' } }],
				credentials: setup.credentials(),
			})
		).items[0].json;
	const [streamed, waited] = [await run(true), await run(false)];
	expect(streamed).toEqual(waited);
	expect(streamed.slack).toBe(
		'*Release 2.4*\n\n• faster _search_\n• <https://n.example/2.4|notes>',
	);
});
