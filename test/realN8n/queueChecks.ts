import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { type Conversation, defaultConversation } from '../emulator/conversation';
import { type GleanEmulator, questionOf } from '../emulator/gleanEmulator';
import { GLEAN_CREDENTIAL, type ImportedExample, type LocalN8n, signedIdentity } from './localN8n';
import type { N8nInstance } from './n8nInstance';

/**
 * What `npm run test:n8n:queue` does to a running n8n (queue mode or one process): the load of
 * webhook questions, the workflows it creates for sessions and saved questions, and reading
 * which worker ran which execution.
 */

/** Each answer names its question, so a caller can tell its own answer from another's. */
export function answerNamingQuestion(question: string, chatId?: string): Conversation {
	const conversation = defaultConversation(question, chatId);
	conversation.answer = [`About “${question}”: `, ...conversation.answer];
	return conversation;
}

/** Glean's answers, with a 500 for every 40th chat request and a 429 (Retry-After 1) for another. */
export function injectFaults(glean: GleanEmulator): {
	injected: () => { s429: number; s500: number };
} {
	let requests = 0;
	const injected = { s429: 0, s500: 0 };
	glean.faults = (request) => {
		if (request.endpoint !== 'chat') return undefined;
		requests++;
		if (requests % 40 === 7) {
			injected.s500++;
			return { kind: 'text', status: 500, text: 'Internal Server Error' };
		}
		if (requests % 40 === 27) {
			injected.s429++;
			return {
				kind: 'text',
				status: 429,
				text: 'Too Many Requests',
				headers: { 'Retry-After': '1' },
			};
		}
		return undefined;
	};
	return { injected: () => ({ ...injected }) };
}

export interface LoadResult {
	fired: number;
	/** Callers that got their own question's answer. */
	answered: number;
	/** Questions no caller got an answer to. */
	lost: string[];
	/** Questions Glean answered (200) more than once. */
	duplicated: string[];
	wallMillis: number;
	/** The executions n8n stored for the load, and how many of them succeeded. */
	stored: number;
	succeeded: number;
	/** The load's executions are those with an ID above this (IDs count up; nothing else ran). */
	afterId: number;
}

/**
 * `count` questions at once to the published webhook-question-answer example, from 20 callers
 * (each with its own JWT, so its own Glean user); then n8n's stored executions of it.
 */
export async function fireLoad(
	local: LocalN8n,
	example: ImportedExample,
	count: number,
): Promise<LoadResult> {
	const emails = Array.from({ length: 20 }, (_, index) => `user${index + 1}@example.com`);
	const jwts = await Promise.all(
		emails.map(async (email) => await signedIdentity(local.callers.jwtSecret, email)),
	);
	const questions = Array.from(
		{ length: count },
		(_, index) => `Question ${index + 1}: what changed?`,
	);
	const storedBefore = await executionCount(local.n8n, { workflowId: example.id });
	const afterId = await newestExecutionId(local.n8n);
	const started = performance.now();
	const answers = await Promise.all(
		questions.map(async (question, index) => {
			const response = await local.n8n.callWebhook(
				'ask-glean',
				{ question },
				{ Authorization: `Bearer ${jwts[index % jwts.length]}` },
			);
			const body = (await response.json().catch(() => ({}))) as { answer?: string };
			return response.ok && String(body.answer).startsWith(`About “${question}”`);
		}),
	);
	const wallMillis = performance.now() - started;
	await settledExecutions(local.n8n, example.id, storedBefore + count);
	const stored = (await executionCount(local.n8n, { workflowId: example.id })) - storedBefore;
	const succeeded = await executionCount(local.n8n, {
		workflowId: example.id,
		status: ['success'],
	});
	const answeredByGlean = new Map<string, number>();
	for (const request of local.glean.requestsTo('chat')) {
		const question = questionOf(request);
		if (request.status === 200)
			answeredByGlean.set(question, (answeredByGlean.get(question) ?? 0) + 1);
	}
	return {
		fired: count,
		answered: answers.filter(Boolean).length,
		lost: questions.filter((_, index) => !answers[index]),
		duplicated: questions.filter((question) => (answeredByGlean.get(question) ?? 0) > 1),
		wallMillis,
		stored,
		succeeded: succeeded - storedBefore,
		afterId,
	};
}

/**
 * The newest stored executions of a workflow (at most 100: n8n 2.41 pages by a cursor whose
 * order is not the IDs', so longer listings can skip or repeat one; counts use executionCount).
 */
export async function executionsOf(
	n8n: N8nInstance,
	workflowId: string,
): Promise<Array<{ id: string; status: string }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await n8n.rest<{ results: Array<{ id: string; status: string }> }>(
		'GET',
		`/rest/executions?filter=${filter}&limit=100`,
	);
	return page.results;
}

/** How many finished executions match `filter` (e.g. `{ workflowId, status: ['success'] }`), as n8n counts them. */
export async function executionCount(
	n8n: N8nInstance,
	filter: Record<string, unknown>,
): Promise<number> {
	const query = encodeURIComponent(JSON.stringify(filter));
	return (await n8n.rest<{ count: number }>('GET', `/rest/executions?filter=${query}&limit=1`))
		.count;
}

/** The ID of the newest execution of any workflow (0 when there is none). */
export async function newestExecutionId(n8n: N8nInstance): Promise<number> {
	const page = await n8n.rest<{ results: Array<{ id: string }> }>(
		'GET',
		'/rest/executions?limit=1',
	);
	return Number(page.results[0]?.id ?? 0);
}

/** Waits until the workflow has `total` finished executions and none running (or 90 s passed). */
export async function settledExecutions(
	n8n: N8nInstance,
	workflowId: string,
	total: number,
): Promise<Array<{ id: string; status: string }>> {
	const deadline = Date.now() + 90_000;
	for (;;) {
		const finished = await executionCount(n8n, { workflowId });
		const open = await executionCount(n8n, { workflowId, status: ['new', 'running', 'waiting'] });
		if ((finished >= total && open === 0) || Date.now() > deadline)
			return await executionsOf(n8n, workflowId);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Which worker ran each execution: its log's "Worker started execution <id>" lines. */
export function executionsByWorker(workers: N8nInstance[]): Array<Set<string>> {
	return workers.map((worker) => {
		const log = readFileSync(worker.options.logFile, 'utf8');
		return new Set([...log.matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]));
	});
}

/** A webhook workflow asking Glean through the local API token credential, published. */
export async function publishAskWorkflow(
	local: LocalN8n,
	{
		name,
		path,
		chatId = '',
		options,
	}: { name: string; path: string; chatId?: string; options: Record<string, unknown> },
): Promise<{ id: string; versionId: string }> {
	const credentialId = (await local.n8n.credentialIdsByName()).get(GLEAN_CREDENTIAL);
	const workflow = await local.n8n.createWorkflow({
		name,
		nodes: [
			{
				id: randomUUID(),
				name: 'Message arrives',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Ask Glean',
				type: 'n8n-nodes-glean-chat.gleanChat',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'chat',
					operation: 'sendMessage',
					message: '={{ $json.body.message }}',
					chatId,
					stream: false,
					options,
				},
				credentials: { gleanChatApi: { id: credentialId, name: GLEAN_CREDENTIAL } },
			},
		],
		connections: {
			'Message arrives': { main: [[{ node: 'Ask Glean', type: 'main', index: 0 }]] },
		},
		settings: {},
	});
	await local.n8n.activate(workflow);
	return workflow;
}

/** The user messages of the Glean chat `chatId`, in order. */
export function chatQuestions(glean: GleanEmulator, chatId: string): string[] {
	return (glean.chats.get(chatId)?.messages ?? [])
		.filter((message) => (message.author ?? 'USER') === 'USER')
		.map((message) =>
			((message.fragments as Array<{ text?: string }> | undefined) ?? [])
				.map((fragment) => fragment.text ?? '')
				.join(''),
		);
}
