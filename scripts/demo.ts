/**
 * `npm run demo`: the node's main job, end to end. Runs a workflow with Glean Chat → Send
 * Message inside n8n-core, streaming, and prints the answer as it arrives, then its steps,
 * citations and follow-up prompts. Asks a local Glean emulator unless GLEAN_BASE_URL and
 * GLEAN_API_TOKEN (and optionally GLEAN_ACT_AS) name a real Glean.
 */
import '../test/harness/env';

import type { IDataObject } from 'n8n-workflow';

import { GleanEmulator } from '../test/emulator/gleanEmulator';
import { runGleanNode } from '../test/harness/n8nHarness';
import type { SimplifiedChatAnswer } from '../nodes/GleanChat/helpers/chatStreamAggregator';

const DEFAULT_QUESTION = 'What changed in our roadmap docs this week?';

async function main(): Promise<void> {
	const question = process.argv.slice(2).join(' ').trim() || DEFAULT_QUESTION;
	const realBaseUrl = process.env.GLEAN_BASE_URL;
	const realToken = process.env.GLEAN_API_TOKEN;
	const useRealGlean = Boolean(realBaseUrl && realToken);

	let emulator: GleanEmulator | undefined;
	let credentials: IDataObject;
	if (useRealGlean) {
		credentials = { baseUrl: realBaseUrl, apiToken: realToken, actAs: process.env.GLEAN_ACT_AS ?? '' };
		console.log(`Asking Glean at ${realBaseUrl}`);
	} else {
		// Paced lines, so the answer visibly streams in as it would from Glean.
		emulator = await GleanEmulator.start({ streamDelayMs: 25 });
		credentials = { baseUrl: emulator.baseUrl, apiToken: emulator.token };
		console.log('Asking the local Glean emulator (set GLEAN_BASE_URL and GLEAN_API_TOKEN to ask your Glean)');
	}
	console.log(`\nQuestion: ${question}\n`);
	// What a chat connected to n8n shows while Glean writes: an agent's plan first, then the answer.
	console.log('Live, as n8n streams it to a chat:\n');

	try {
		const result = await runGleanNode({
			parameters: {
				resource: 'chat',
				operation: 'sendMessage',
				message: question,
				options: { saveChat: true },
			},
			credentials: credentials as Record<string, string>,
			streaming: true,
			onChunk: (chunk) => {
				if (chunk.type === 'item' && chunk.content) process.stdout.write(chunk.content);
			},
		});
		process.stdout.write('\n');
		if (result.error) {
			console.error(`\nThe run failed: ${result.error.message}`);
			if (result.error.description) console.error(result.error.description);
			process.exitCode = 1;
			return;
		}
		printAnswer(result.items[0]?.json as unknown as SimplifiedChatAnswer);
		if (emulator && emulator.violations.length > 0) {
			console.error(`\nRequests that broke Glean's spec:\n${emulator.violations.join('\n')}`);
			process.exitCode = 1;
		}
	} finally {
		await emulator?.stop();
	}
}

function printAnswer(answer: SimplifiedChatAnswer): void {
	console.log('\nThe item\'s answer (what the next node gets; a plan written before the tools is in steps):\n');
	console.log(answer.answer);
	console.log('\nSteps:');
	for (const step of answer.steps) {
		const detail = step.documents?.length ? `${step.documents.length} document(s)` : step.text;
		console.log(`  • ${step.type.padEnd(7)} ${detail}${step.complete ? ' ✓' : ''}`);
	}
	console.log('\nCitations:');
	answer.citations.forEach((citation, index) => {
		console.log(`  [${index + 1}] ${citation.title ?? '(untitled)'}${citation.url ? ` — ${citation.url}` : ''}`);
	});
	if (answer.citations.length === 0) console.log('  (none)');
	console.log('\nFollow-up prompts:');
	for (const prompt of answer.followUpPrompts) console.log(`  → ${prompt}`);
	if (answer.followUpPrompts.length === 0) console.log('  (none)');
	const facts = [
		answer.chatId ? `chat ID ${answer.chatId}` : undefined,
		answer.agent?.agent ? `agent ${answer.agent.agent}` : undefined,
		answer.backendTimeMillis !== undefined ? `Glean took ${answer.backendTimeMillis} ms` : undefined,
	].filter(Boolean);
	if (facts.length > 0) console.log(`\n${facts.join(' · ')}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
