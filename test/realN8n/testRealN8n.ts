/**
 * `npm run test:n8n`: the package inside the real n8n application (n8n 2.41.1, installed once
 * into a cache folder outside the repo). It installs the `npm pack` tarball as a community
 * node, imports every example workflow, runs each one through n8n itself against the Glean
 * emulator (and an OpenAI emulator for the AI Agent), runs one against a failing Glean, tests
 * the credential, signs in with Glean's OAuth2 (the emulator's) through the credential dialog
 * and runs an example with it, and drives the editor in Debian's Chromium. Prints what each
 * run gave; exits non-zero if any check fails.
 *
 *   --save-screenshot   also write the screenshots to docs/ (the README's pictures)
 */
import '../harness/env';

import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	conversationLines,
	defaultConversation,
	expectedAnswerText,
	liveText,
} from '../emulator/conversation';
import { packageRoot } from '../harness/paths';
import { checkAgent } from './agentCheck';
import { checkEditor, expectedMenus } from './editorCheck';
import { askLive, check, failureCount, itemsOf, type Json, section, short } from './report';
import { checkEmptyMessage } from './requiredCheck';
import { checkSignIn } from './signInCheck';
import { N8N_MAJOR, N8N_VERSION } from './n8nInstall';
import {
	GLEAN_CREDENTIAL,
	type ImportedExample,
	OWNER,
	REPORT_FILE,
	signedIdentity,
	startLocalN8n,
} from './localN8n';

const TOKEN = 'real-n8n-secret-token-7f3a';

/** The examples' nodes n8n 1.123.81 has only in an older version (README, "Compatibility"). */
const EXAMPLE_NODES_NEWER_THAN_N8N_1 = [
	'ai-agent-with-glean-tool.json: When chat message received @n8n/n8n-nodes-langchain.chatTrigger 1.5→1.4',
	'ai-agent-with-glean-tool.json: AI Agent @n8n/n8n-nodes-langchain.agent 3.1→3',
	'upload-file-and-ask.json: Read the report n8n-nodes-base.readWriteFile 1.1→1',
	'weekly-roadmap-report.json: Every Monday at 9 n8n-nodes-base.scheduleTrigger 1.4→1.3',
	'weekly-roadmap-report.json: Post to Slack n8n-nodes-base.slack 2.7→2.4',
];
const README_SCREENSHOT = join(packageRoot(), 'docs', 'glean-chat-node-panel.png');
const OAUTH2_SCREENSHOT = join(packageRoot(), 'docs', 'glean-chat-oauth2-connected.png');
const AGENT_SCREENSHOT = join(packageRoot(), 'docs', 'glean-chat-agent-run.png');

async function main(): Promise<void> {
	const started = Date.now();
	const runFolder = mkdtempSync(join(tmpdir(), 'glean-chat-real-n8n-'));
	console.log(
		`Real n8n ${N8N_VERSION}: the packed package as a community node (run folder ${runFolder})`,
	);
	const local = await startLocalN8n({ userFolder: runFolder, gleanToken: TOKEN });
	console.log(
		`n8n ready at ${local.n8n.baseUrl} after ${((Date.now() - started) / 1000).toFixed(1)} s; examples imported: ${local.examples.map((example) => example.file).join(', ')}`,
	);
	const exercised = new Set<string>();
	const example = (file: string): ImportedExample => {
		const found = local.examples.find((imported) => imported.file === file);
		if (!found) throw new Error(`${file} was not imported`);
		exercised.add(file);
		return found;
	};
	// Each section starts from an empty Glean; what earlier ones sent is checked at the end.
	const violations: string[] = [];
	let gleanRequests = 0;
	const resetGlean = () => {
		violations.push(...local.glean.violations);
		gleanRequests += local.glean.requests.length;
		local.glean.reset();
	};

	try {
		await section('Node types n8n loaded', async () => {
			// What the editor loads: n8n's own list of node types.
			const types = await local.n8n.getJson<Array<{ name: string }>>('/types/nodes.json');
			const names = types
				.map((type) => type.name)
				.filter((name) => name.startsWith('n8n-nodes-glean-chat.'));
			check(
				'Glean Chat and its AI tool variant',
				names.includes('n8n-nodes-glean-chat.gleanChat') &&
					names.includes('n8n-nodes-glean-chat.gleanChatTool'),
				names.join(', '),
			);
		});

		if (N8N_MAJOR === 2) {
			await section(`The examples use the node versions n8n ${N8N_VERSION} adds`, async () => {
				const added = await local.n8n.newestNodeVersions();
				const behind = local.examples.flatMap(({ file, workflow }) =>
					workflow.nodes
						.filter(
							(node) =>
								!node.type.startsWith('n8n-nodes-glean-chat.') &&
								node.typeVersion !== added.get(node.type),
						)
						.map(
							(node) =>
								`${file}: ${node.name} ${node.type} ${node.typeVersion ?? '?'}, n8n adds ${added.get(node.type) ?? 'none'}`,
						),
				);
				check(
					"every other node is at the version n8n's editor adds today",
					behind.length === 0,
					behind.join('; ') || `${local.examples.length} examples`,
				);
			});
		} else {
			await section(`The examples on n8n ${N8N_VERSION}`, async () => {
				// What the README's compatibility section says a 1.x user changes in the examples.
				const lowered = local.examples.flatMap(({ file, lowered }) =>
					lowered.map((node) => `${file}: ${node}`),
				);
				check(
					'only the nodes the README names were set back to the version this n8n adds',
					sameList(lowered, EXAMPLE_NODES_NEWER_THAN_N8N_1),
					lowered.join('; '),
				);
			});
		}

		await section('Credential: “Test credential” in n8n', async () => {
			const good = await local.n8n.testCredential('gleanChatApi', {
				baseUrl: local.glean.baseUrl,
				apiToken: TOKEN,
				authType: 'token',
				actAs: '',
			});
			check('the right token', good.status === 'OK', `${good.status} ${good.message}`);
			const bad = await local.n8n.testCredential('gleanChatApi', {
				baseUrl: local.glean.baseUrl,
				apiToken: 'wrong-token-0000',
				authType: 'token',
				actAs: '',
			});
			// n8n 1.x's credential test loses the answer's status (n8n-workflow 1.x drops the
			// error's cause), so the credential's rules for 400, 401, 403 and 405 never match
			// there: it shows n8n's own words (README, "Compatibility").
			const ours = N8N_MAJOR === 2;
			check(
				ours ? 'a wrong token: says what to fix' : "a wrong token: refused, in n8n 1.x's words",
				bad.status === 'Error' &&
					(ours
						? bad.message.includes('rejected the API token')
						: bad.message.includes('Authorization failed')) &&
					!bad.message.includes('wrong-token-0000'),
				short(bad.message, 160),
			);
			local.glean.requireActAs = true;
			const global = await local.n8n.testCredential('gleanChatApi', {
				baseUrl: local.glean.baseUrl,
				apiToken: TOKEN,
				authType: 'token',
				actAs: '',
			});
			const actingAs = await local.n8n.testCredential('gleanChatApi', {
				baseUrl: local.glean.baseUrl,
				apiToken: TOKEN,
				authType: 'token',
				actAs: 'ann@example.com',
			});
			local.glean.requireActAs = false;
			check(
				ours
					? 'a global token without Act As: says to set it'
					: 'a global token without Act As: refused',
				global.status === 'Error' && (!ours || global.message.includes('Act As')),
				short(global.message, 160),
			);
			check('a global token with Act As', actingAs.status === 'OK', actingAs.message);
			// Something other than Glean's API at the Base URL: a sign-in page, or a server that takes no POST.
			const data = { baseUrl: local.glean.baseUrl, apiToken: TOKEN, authType: 'token', actAs: '' };
			local.glean.enqueue('listchats', {
				kind: 'text',
				status: 200,
				text: '<!DOCTYPE html><html><title>Sign in</title></html>',
				headers: { 'Content-Type': 'text/html' },
			});
			const page = await local.n8n.testCredential('gleanChatApi', data);
			check(
				'a sign-in page answering 200: says a web page answered, and to fix the Base URL',
				page.status === 'Error' &&
					page.message.includes('A web page answered') &&
					page.message.includes('Base URL'),
				short(page.message, 120),
			);
			local.glean.enqueue('listchats', { kind: 'text', status: 405, text: 'Method Not Allowed' });
			const notGlean = await local.n8n.testCredential('gleanChatApi', data);
			check(
				ours ? "a 405: says it is not Glean's API" : 'a 405: refused',
				notGlean.status === 'Error' && (!ours || notGlean.message.includes("not Glean's API")),
				short(notGlean.message, 120),
			);
		});

		await section(
			'weekly-roadmap-report.json (from “Every Monday at 9” to Ask Glean; no Slack to post to here)',
			async () => {
				resetGlean();
				local.glean.conversationFor = (question, chatId) => {
					const conversation = defaultConversation(question, chatId);
					conversation.answer = [
						...conversation.answer,
						'\n\nWould you like me to list the owners of each change?',
					];
					return conversation;
				};
				const run = await local.n8n.runManually(
					example('weekly-roadmap-report.json').id,
					'Every Monday at 9',
					undefined,
					'Ask Glean',
				);
				local.glean.conversationFor = undefined;
				check('execution succeeded', run.status === 'success', run.error?.message);
				const [answer] = itemsOf(run, 'Ask Glean');

				check(
					'Ask Glean gave an answer',
					typeof answer?.answer === 'string' && (answer.answer as string).length > 0,
					short(answer?.answer),
				);
				check(
					'with citations in its markdown and a chat ID',
					String(answer?.markdown).includes('**Sources**') && typeof answer?.chatId === 'string',
					`chat ${String(answer?.chatId)}, ${(answer?.citations as unknown[] | undefined)?.length ?? 0} citations`,
				);
				check(
					"the Slack rendering for the Slack node, links as <url|title>, without Glean's closing offer",
					String(answer?.slack).includes('<https://wiki.example.com/roadmap/q4|') &&
						String(answer?.slack).includes('*Sources*') &&
						!String(answer?.slack).includes('Would you like') &&
						!String(answer?.answer).includes('Would you like'),
					short(answer?.slack),
				);
				const requests = local.glean.requestsTo('chat');
				check(
					'Glean got one saved, unstreamed question',
					requests.length === 1 &&
						(requests[0].body as Json).saveChat === true &&
						(requests[0].body as Json).stream !== true,
				);
			},
		);

		await section('upload-file-and-ask.json (Execute workflow from “Run it”)', async () => {
			resetGlean();
			const run = await local.n8n.runManually(example('upload-file-and-ask.json').id, 'Run it');
			check('execution succeeded', run.status === 'success', run.error?.message);
			const [uploaded] = itemsOf(run, 'Upload to Glean');
			const [answer] = itemsOf(run, 'Ask about it');
			const fileIds = (uploaded?.fileIds ?? []) as string[];
			const stored = local.glean.files.get(fileIds[0] ?? '');
			const size = statSync(join(local.filesFolder, REPORT_FILE)).size;
			check(
				'the report was uploaded whole',
				stored?.name === REPORT_FILE && stored.data.length === size,
				`${fileIds.join(', ')}: ${stored?.data.length ?? 0} of ${size} bytes`,
			);
			const body = local.glean.requestsTo('chat')[0]?.body as
				{ messages?: Array<{ uploadedFileIds?: string[] }> } | undefined;
			check(
				'the question carried the file ID',
				JSON.stringify(body?.messages?.[0]?.uploadedFileIds) === JSON.stringify(fileIds),
			);
			check(
				'Glean answered about it',
				typeof answer?.answer === 'string' && (answer.answer as string).length > 0,
				short(answer?.answer),
			);
		});

		await section(
			'webhook-question-answer.json (published; a POST to its production webhook)',
			async () => {
				resetGlean();
				const imported = example('webhook-question-answer.json');
				await local.n8n.activate(imported);
				const question = { question: 'When does Atlas launch?', userEmail: 'ceo@example.com' };
				// Nobody without a JWT signed by the identity provider gets an answer, nor reaches Glean.
				const anonymous = await local.n8n.callWebhook('ask-glean', question);
				const forged = await local.n8n.callWebhook('ask-glean', question, {
					Authorization: `Bearer ${await signedIdentity('not-the-provider-key-000000000000', 'ceo@example.com')}`,
				});
				check(
					'a caller without a JWT is refused',
					anonymous.status === 401,
					`${anonymous.status} ${short(await anonymous.text(), 60)}`,
				);
				check(
					'a caller with a JWT the provider did not sign is refused',
					forged.status === 403,
					`${forged.status} ${short(await forged.text(), 60)}`,
				);
				// Signed by the provider, but not for this webhook, or naming no user: refused by the example's check, not Act As the credential's user.
				const otherApp = await local.n8n.callWebhook('ask-glean', question, {
					Authorization: `Bearer ${await signedIdentity(local.callers.jwtSecret, 'ann@example.com', 'another-app')}`,
				});
				const noEmail = await local.n8n.callWebhook('ask-glean', question, {
					Authorization: `Bearer ${await signedIdentity(local.callers.jwtSecret, undefined)}`,
				});
				check(
					'a token for another audience, or naming no user, is refused',
					otherApp.status === 403 && noEmail.status === 403,
					`${otherApp.status}, ${noEmail.status} ${short(await noEmail.text(), 60)}`,
				);
				check('none of them reached Glean', local.glean.requestsTo('chat').length === 0);
				const response = await local.n8n.callWebhook('ask-glean', question, {
					Authorization: `Bearer ${await signedIdentity(local.callers.jwtSecret, 'ann@example.com')}`,
				});
				const reply = (await response.json()) as {
					answer?: string;
					html?: string;
					sources?: Array<{ title: string; url: string }>;
				};
				check(
					'the caller got the answer as JSON, in plain text and in HTML',
					response.status === 200 &&
						typeof reply.answer === 'string' &&
						reply.answer.includes('Sources\n[1] ') &&
						String(reply.html).startsWith('<p>'),
					`${response.status} ${short(reply.answer)}`,
				);
				check(
					'with its sources',
					(reply.sources?.length ?? 0) > 0,
					reply.sources?.map((source) => source.title).join('; '),
				);
				const request = local.glean.requestsTo('chat')[0];
				check(
					'Glean streamed it, acting as the signed-in caller (not the e-mail in the body)',
					(request?.body as Json | undefined)?.stream === true &&
						request?.headers['x-glean-actas'] === 'ann@example.com',
					String(request?.headers['x-glean-actas']),
				);
				const run = await local.n8n.lastExecution(imported.id);
				check('the execution succeeded', run.status === 'success', run.error?.message);
			},
		);

		await section(
			'webhook-run-agent.json (the editor’s agent lookups; published; a POST runs the agent)',
			async () => {
				resetGlean();
				await checkAgent(local, example('webhook-run-agent.json'), {
					path: join(runFolder, 'glean-chat-agent-run.png'),
					saveTo: process.argv.includes('--save-screenshot') ? AGENT_SCREENSHOT : undefined,
				});
			},
		);

		await section(
			'webhook-streaming-answer.json (published; a POST read as n8n streams it)',
			async () => {
				resetGlean();
				const question = 'When does Atlas launch?';
				// Glean writes its answer line by line, 40 ms apart, so arriving early means streamed.
				local.glean.enqueue('chat', {
					kind: 'ndjson',
					body: conversationLines(defaultConversation(question)),
					chunking: 'lines',
					delayMs: 40,
				});
				const imported = example('webhook-streaming-answer.json');
				await local.n8n.activate(imported);
				const anonymous = await local.n8n.callWebhook('ask-glean-live', { question });
				check(
					'a caller without the front end’s header is refused, and Glean is not asked',
					anonymous.status === 403 && local.glean.requestsTo('chat').length === 0,
					`${anonymous.status} ${short(await anonymous.text(), 60)}`,
				);
				const { pieces: chunks, items, text } = await askLive(local, question);
				check(
					'the caller got begin, the answer in pieces, and one end',
					chunks[0]?.type === 'begin' &&
						items.length > 1 &&
						chunks.filter((chunk) => chunk.type === 'end').length === 1,
					`${items.length} pieces`,
				);
				// Glean's plan (written before its tools), a blank line, then the answer: never glued.
				check(
					"the pieces are Glean's plan and answer, in order, once",
					text === liveText(defaultConversation(question)) &&
						text.endsWith(`\n\n${expectedAnswerText(defaultConversation(question))}`),
					short(text),
				);
				const gleanDone = local.glean.requestsTo('chat')[0]?.closedAt ?? 0;
				check(
					'the first words arrived while Glean was still writing',
					items.length > 0 && items[0].at < gleanDone,
					`${Math.round(gleanDone - (items[0]?.at ?? gleanDone))} ms before Glean's last line`,
				);
			},
		);

		await section(
			'ai-agent-with-glean-tool.json (a chat message to the AI Agent, OpenAI emulated)',
			async () => {
				resetGlean();
				local.openAi.requests.length = 0;
				const question = 'Who owns the Atlas launch?';
				const run = await local.n8n.runManually(
					example('ai-agent-with-glean-tool.json').id,
					'When chat message received',
					[{ sessionId: 'real-n8n-check', action: 'sendMessage', chatInput: question }],
				);
				check('execution succeeded', run.status === 'success', run.error?.message);
				const tool = local.openAi.requests[0]?.tools?.[0]?.function;
				check(
					'the model was offered the Glean Chat tool',
					tool?.name === 'Glean_Chat',
					`${tool?.name}: ${short(tool?.description, 120)}`,
				);
				const gleanQuestion = (
					local.glean.requestsTo('chat')[0]?.body as
						{ messages?: Array<{ fragments?: Array<{ text?: string }> }> } | undefined
				)?.messages?.[0]?.fragments?.[0]?.text;
				check(
					"the tool asked Glean the model's question",
					gleanQuestion === question,
					short(gleanQuestion),
				);
				const toolMessage =
					local.openAi.requests[1]?.messages.find((message) => message.role === 'tool')?.content ??
					'';
				const toolResult = JSON.parse(toolMessage || '[]') as Array<{
					answer?: string;
					sources?: unknown[];
				}>;
				check(
					'the model got the compact answer with numbered sources',
					typeof toolResult[0]?.answer === 'string' && (toolResult[0]?.sources?.length ?? 0) > 0,
					short(toolMessage, 120),
				);
				const [agent] = itemsOf(run, 'AI Agent');
				check(
					"the agent's reply uses it",
					String(agent?.output).startsWith('From Glean:') &&
						String(agent?.output).includes('Atlas'),
					short(agent?.output),
				);
			},
		);

		await section(
			'weekly-roadmap-report.json against a failing Glean (500 on every chat)',
			async () => {
				resetGlean();
				// The failure echoes the request's Authorization header, as a careless proxy might.
				local.glean.faults = (request) =>
					request.endpoint === 'chat'
						? {
								kind: 'text',
								status: 500,
								text: `Internal Server Error (request had ${request.headers.authorization})`,
							}
						: undefined;
				const run = await local.n8n.runManually(
					example('weekly-roadmap-report.json').id,
					'Every Monday at 9',
				);
				local.glean.faults = undefined;
				const error = `${run.error?.message ?? ''} ${run.error?.description ?? ''}`;
				check(
					'the execution failed at Ask Glean',
					run.status === 'error' && run.lastNodeExecuted === 'Ask Glean',
					`${run.status}, last node ${run.lastNodeExecuted}`,
				);
				check(
					'with an error that names the status and says it was not retried',
					/500/.test(error) && /not try again|not tried again|did not try/i.test(error),
					short(error, 220),
				);
				check(
					'the token Glean echoed back is redacted',
					error.includes('Internal Server Error') && !error.includes(TOKEN),
					short(error.slice(error.indexOf('Internal')), 70),
				);
				check(
					'a saved message was sent once (never repeated)',
					local.glean.requestsTo('chat').length === 1,
				);
				check('nothing ran after it', itemsOf(run, 'Format the message').length === 0);
			},
		);

		await section(
			'Sign in with Glean (OAuth2): Connect in Chromium, then run with it',
			async () => {
				resetGlean();
				await checkSignIn(local, example('weekly-roadmap-report.json'), {
					resetGlean,
					screenshot: join(runFolder, 'glean-chat-oauth2-connected.png'),
					saveTo: process.argv.includes('--save-screenshot') ? OAUTH2_SCREENSHOT : undefined,
				});
			},
		);

		await section('A Message left empty: n8n refuses the workflow, naming the field', async () => {
			resetGlean();
			const credentialId = (await local.n8n.credentialIdsByName()).get(GLEAN_CREDENTIAL);
			if (!credentialId) throw new Error(`No credential named ${GLEAN_CREDENTIAL}`);
			await checkEmptyMessage(local, credentialId, join(runFolder, 'glean-chat-empty-message.png'));
		});

		await section('Editor: Debian Chromium + playwright-core', async () => {
			resetGlean();
			const expected = expectedMenus();
			const report = await checkEditor(
				local.n8n,
				OWNER,
				GLEAN_CREDENTIAL,
				join(runFolder, 'glean-chat-node-panel.png'),
			);
			check(
				'the nodes panel finds Glean Chat and lists every action',
				sameSet(report.actions, expected.actions),
				`${report.actions.length} actions`,
			);
			check(
				'Resource dropdown',
				sameList(report.resources, expected.resources),
				report.resources.join(', '),
			);
			for (const resource of Object.keys(expected.operations)) {
				check(
					`Operation dropdown for ${resource}`,
					sameList(report.operations[resource] ?? [], expected.operations[resource]),
					(report.operations[resource] ?? []).join(', '),
				);
			}
			check('“Execute step” showed the emulator’s answer in the output panel', report.answerShown);
			console.log(`  steps: ${report.timings.join(', ')}`);
			if (process.argv.includes('--save-screenshot')) {
				copyFileSync(report.screenshot, README_SCREENSHOT);
				console.log(`  screenshot saved to ${README_SCREENSHOT}`);
			} else {
				console.log(`  screenshot: ${report.screenshot}`);
			}
		});
		await section('Every example ran, and every request matched the specs', async () => {
			resetGlean();
			const files = local.examples.map((imported) => imported.file);
			check(
				'every example in examples/ was run',
				files.every((file) => exercised.has(file)),
				files.filter((file) => !exercised.has(file)).join(', ') ||
					`${files.length} of ${files.length}`,
			);
			check(
				"every request to Glean matched Glean's OpenAPI spec",
				gleanRequests > 0 && violations.length === 0,
				`${gleanRequests} requests, ${violations.length} problems ${violations.slice(0, 3).join('; ')}`,
			);
			check(
				'every request to the OpenAI emulator was one it knows',
				local.openAi.problems.length === 0,
				local.openAi.problems.join('; '),
			);
		});
	} finally {
		await local.stop();
	}

	console.log(
		`\n${failureCount() === 0 ? 'All checks passed' : `${failureCount()} check(s) failed`} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
	);
	if (failureCount() > 0) {
		console.log(`n8n's log: ${join(runFolder, 'n8n.log')}\n${local.n8n.logTail(30)}`);
		process.exitCode = 1;
	} else {
		rmSync(runFolder, { recursive: true, force: true });
	}
}

function sameList(actual: string[], expected: string[]): boolean {
	return JSON.stringify(actual) === JSON.stringify(expected);
}

function sameSet(actual: string[], expected: string[]): boolean {
	return sameList([...actual].sort(), [...expected].sort());
}

// Ctrl-C, a closed terminal or a CI cancel: exit normally, so n8n is stopped with this process.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
	process.on(signal, () => process.exit(130));

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
