import { defaultConversation, expectedAnswerText } from '../emulator/conversation';
import { gleanTestSetup } from '../harness/gleanTestSetup';
import { runGleanNode } from '../harness/n8nHarness';

/**
 * Glean Chat as an AI Agent's tool, run by n8n-core the way an agent calls a tool: the model
 * fills `$fromAI()` parameters, and gets back the answer with numbered sources, nothing more.
 */

const TOKEN = 'ai-tool-secret-token';
const setup = gleanTestSetup(TOKEN);

test('an agent asks Glean through the tool and gets a compact answer with its sources', async () => {
	const question = 'When does the Atlas launch?';
	const { outputs, error } = await runGleanNode({
		parameters: {
			resource: 'chat',
			operation: 'sendMessage',
			message: "={{ $fromAI('question', 'The question for Glean', 'string') }}",
		},
		credentials: setup.credentials(),
		asToolWith: { question },
	});
	expect(error).toBeUndefined();
	const [agentOutput] = outputs.Agent;
	expect(agentOutput.json.toolName).toEqual(expect.any(String));
	// What the agent's model reads when it chooses tools.
	expect(agentOutput.json.toolDescription).toBe(
		'Answer a question from company knowledge in Glean Chat',
	);
	const result = JSON.parse(agentOutput.json.result as string) as Array<{
		answer: string;
		sources: unknown[];
	}>;
	expect(result).toHaveLength(1);
	expect(Object.keys(result[0]).sort()).toEqual(['answer', 'sources']);
	// The answer carries citation markers; the sources are numbered with their links.
	expect(result[0].answer.replace(/\[\d+\]/g, '')).toBe(
		expectedAnswerText(defaultConversation(question)),
	);
	expect(result[0].answer).toContain('[1]');
	expect(result[0].sources).toEqual([
		{ number: 1, title: 'Roadmap 2026 – Q4 update', url: 'https://wiki.example.com/roadmap/q4' },
		{
			number: 2,
			title: 'Launch checklist (Atlas)',
			url: 'https://docs.example.com/d/atlas-checklist',
		},
	]);
	// The model's question is what Glean was asked.
	const [request] = setup.glean.requestsTo('chat');
	expect(
		(request.body as { messages: Array<{ fragments: Array<{ text: string }> }> }).messages[0]
			.fragments[0].text,
	).toBe(question);
});

test("in a run n8n streams to a chat, the tool sends nothing live: the user sees the agent's reply, not Glean's raw answer", async () => {
	const { chunks, outputs } = await runGleanNode({
		parameters: {
			resource: 'chat',
			operation: 'sendMessage',
			message: "={{ $fromAI('question', 'The question for Glean', 'string') }}",
		},
		credentials: setup.credentials(),
		asToolWith: { question: 'Hi?' },
		streaming: true,
	});
	expect(chunks.filter((chunk) => chunk.metadata.nodeName === 'Glean Chat')).toEqual([]);
	expect(outputs.Agent[0].json.result).toEqual(expect.stringContaining('"sources"'));
});
