/**
 * `npm run demo`: the node's main job, end to end. Runs a workflow with Glean Chat → Send
 * Message inside n8n-core, streaming, and prints the answer as it arrives, then its steps,
 * citations and follow-up prompts. Asks a local Glean emulator unless GLEAN_BASE_URL and
 * GLEAN_API_TOKEN name a real Glean. `npm run demo -- --help` says how.
 */
import '../test/harness/env';

import type { IDataObject } from 'n8n-workflow';

import { GleanEmulator } from '../test/emulator/gleanEmulator';
import { runGleanNode } from '../test/harness/n8nHarness';
import type { SimplifiedChatAnswer } from '../nodes/GleanChat/helpers/chatStreamAggregator';
import { normalizeBaseUrl } from '../nodes/GleanChat/transport/baseUrl';

const DEFAULT_QUESTION = 'What changed in our roadmap docs this week?';

const USAGE = `npm run demo [-- [--save-chat] "your question"]

Runs Glean Chat → Send Message in n8n-core and prints Glean's answer as it streams in.

Without settings it asks a local Glean emulator. To ask your Glean, set:
  GLEAN_BASE_URL     your Glean API host, e.g. https://acme-be.glean.com (or just acme)
  GLEAN_API_TOKEN    a Glean API token with the CHAT scope
  GLEAN_ACT_AS       (global tokens only) the e-mail of the user to act as
  GLEAN_TOKEN_TYPE   "token" (default: a token made in Glean) or "oauth" (an access token
                     from your identity provider; sends X-Glean-Auth-Type: OAUTH)

  --save-chat        save the conversation in the user's Glean chat history (off by default:
                     the demo's question is not saved)

Example:
  GLEAN_BASE_URL=acme GLEAN_API_TOKEN=your-token npm run demo -- "Who owns the Atlas launch?"`;

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	if (args.includes('--help') || args.includes('-h')) {
		console.log(USAGE);
		return;
	}
	const unknown = args.find((arg) => arg.startsWith('-') && arg !== '--save-chat');
	if (unknown !== undefined) {
		console.error(`Unknown option ${unknown}.\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	const saveChat = args.includes('--save-chat');
	const question =
		args
			.filter((arg) => arg !== '--save-chat')
			.join(' ')
			.trim() || DEFAULT_QUESTION;
	const realBaseUrl = process.env.GLEAN_BASE_URL?.trim();
	const realToken = process.env.GLEAN_API_TOKEN?.trim();
	if (Boolean(realBaseUrl) !== Boolean(realToken)) {
		console.error(
			`${realBaseUrl ? 'GLEAN_BASE_URL' : 'GLEAN_API_TOKEN'} is set but ${realBaseUrl ? 'GLEAN_API_TOKEN' : 'GLEAN_BASE_URL'} is not: set both to ask your Glean, or neither to ask the local emulator.\n\n${USAGE}`,
		);
		process.exitCode = 2;
		return;
	}
	const tokenType = process.env.GLEAN_TOKEN_TYPE?.trim().toLowerCase() || 'token';
	if (!realBaseUrl && (process.env.GLEAN_ACT_AS || process.env.GLEAN_TOKEN_TYPE)) {
		console.log(
			'(GLEAN_ACT_AS and GLEAN_TOKEN_TYPE apply to your Glean only; the emulator does not use them.)',
		);
	} else if (tokenType !== 'token' && tokenType !== 'oauth') {
		console.error(`GLEAN_TOKEN_TYPE is "${tokenType}"; it must be "token" or "oauth".\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}

	let emulator: GleanEmulator | undefined;
	let credentials: IDataObject;
	if (realBaseUrl && realToken) {
		credentials = {
			baseUrl: realBaseUrl,
			apiToken: realToken,
			authType: tokenType,
			actAs: process.env.GLEAN_ACT_AS?.trim() ?? '',
		};
		const actAs = credentials.actAs ? `, acting as ${String(credentials.actAs)}` : '';
		console.log(
			`Asking Glean at ${normalizeBaseUrl(realBaseUrl)} (from GLEAN_BASE_URL, with the token in GLEAN_API_TOKEN${actAs})`,
		);
	} else {
		// Paced lines, so the answer visibly streams in as it would from Glean.
		emulator = await GleanEmulator.start({ streamDelayMs: 25 });
		credentials = { baseUrl: emulator.baseUrl, apiToken: emulator.token };
		console.log(
			'Asking the local Glean emulator (set GLEAN_BASE_URL and GLEAN_API_TOKEN to ask your Glean; npm run demo -- --help)',
		);
	}
	console.log(`\nQuestion: ${question}${saveChat ? ' (saved to the chat history)' : ''}`);
	let streamed = false;

	try {
		const result = await runGleanNode({
			parameters: {
				resource: 'chat',
				operation: 'sendMessage',
				message: question,
				options: { saveChat },
			},
			credentials: credentials as Record<string, string>,
			streaming: true,
			onChunk: (chunk) => {
				if (chunk.type !== 'item' || !chunk.content) return;
				// What a chat connected to n8n shows while Glean writes: an agent's plan first, then the answer.
				if (!streamed) process.stdout.write('\nLive, as n8n streams it to a chat:\n\n');
				streamed = true;
				process.stdout.write(chunk.content);
			},
		});
		process.stdout.write('\n');
		if (result.error) {
			const { message, description } = result.error;
			console.error(`\nThe run failed: ${message}`);
			// In a streamed run the description starts with the reason, for n8n's chat (see the router).
			if (description)
				console.error(
					description.startsWith(message)
						? description.slice(message.length).trimStart()
						: description,
				);
			if (realBaseUrl)
				console.error(
					'\n(The demo took the Base URL from GLEAN_BASE_URL and the token from GLEAN_API_TOKEN.)',
				);
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
	console.log(
		"\nThe item's answer (what the next node gets; a plan written before the tools is in steps):\n",
	);
	console.log(answer.answer);
	console.log('\nSteps:');
	for (const step of answer.steps) {
		const detail = step.documents?.length ? `${step.documents.length} document(s)` : step.text;
		console.log(`  • ${step.type.padEnd(7)} ${detail}${step.complete ? ' ✓' : ''}`);
	}
	console.log('\nCitations:');
	answer.citations.forEach((citation, index) => {
		console.log(
			`  [${index + 1}] ${citation.title ?? '(untitled)'}${citation.url ? ` — ${citation.url}` : ''}`,
		);
	});
	if (answer.citations.length === 0) console.log('  (none)');
	console.log('\nFollow-up prompts:');
	for (const prompt of answer.followUpPrompts) console.log(`  → ${prompt}`);
	if (answer.followUpPrompts.length === 0) console.log('  (none)');
	const facts = [
		answer.chatId ? `chat ID ${answer.chatId}` : undefined,
		answer.agent?.agent ? `agent ${answer.agent.agent}` : undefined,
		answer.backendTimeMillis !== undefined
			? `Glean took ${answer.backendTimeMillis} ms`
			: undefined,
	].filter(Boolean);
	if (facts.length > 0) console.log(`\n${facts.join(' · ')}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
