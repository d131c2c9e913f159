import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { conversationLines, liveText } from '../emulator/conversation';
import { questionOf } from '../emulator/gleanEmulator';
import { GLEAN_CREDENTIAL, type LocalN8n, REPORT_FILE } from './localN8n';
import {
	answerNamingQuestion,
	chatQuestions,
	executionsByWorker,
	type LoadResult,
	publishAskWorkflow,
	settledExecutions,
} from './queueChecks';
import { askLive, check, short } from './report';

/** The sections of `npm run test:n8n:queue` after the load, each against the queue-mode n8n. */

/** How many of the load's executions each worker ran (their IDs follow the load's start). */
export function loadSplit(local: LocalN8n, load: LoadResult): number[] {
	return executionsByWorker(local.workers).map(
		(ran) => [...ran].filter((id) => Number(id) > load.afterId).length,
	);
}

/** Which worker (1, 2, …) ran each execution, '?' for none found. */
function landings(local: LocalN8n, ids: string[]): string[] {
	const byWorker = executionsByWorker(local.workers);
	return ids.map((id) => {
		const worker = byWorker.findIndex((ran) => ran.has(id));
		return worker < 0 ? '?' : String(worker + 1);
	});
}

/** What Session Key did in queue mode: how many Glean chats five messages of one session made. */
export interface SessionKeyResult {
	chats: number;
}

/**
 * Conversations whose executions land on different workers. Session Key (the node keeps the
 * session's chat in workflow static data) is measured, not required: n8n 2.41's workers start
 * every new execution without the workflow's static data (the execution's stored workflow
 * snapshot drops it, and only resumed executions reload it), so each message starts a new chat.
 * The Chat ID round trip (the caller sends back the `chatId` of the answer) is checked.
 */
export async function checkSessions(local: LocalN8n): Promise<SessionKeyResult> {
	const sessionChats = await sessionKeyChats(local);
	check('Session Key: every message answered', sessionChats > 0);
	console.log(
		`  Session Key: five messages of one session made ${sessionChats} Glean chat(s): workers start each execution without the workflow's static data`,
	);
	const messages = [1, 2, 3, 4, 5].map((n) => `Session A, message ${n}`);
	const thread = await publishAskWorkflow(local, {
		name: 'Chat thread by Chat ID (queue mode)',
		path: 'chat-thread',
		chatId: '={{ $json.body.chatId ?? "" }}',
		options: { saveChat: true },
	});
	const say = async (message: string, chatId?: string) => {
		const response = await local.n8n.callWebhook('chat-thread', { message, chatId });
		return ((await response.json()) as { chatId?: string }).chatId;
	};
	local.glean.reset();
	let chatId: string | undefined;
	for (const message of messages) chatId = await say(message, chatId);
	const chats = [...local.glean.chats.keys()];
	check(
		'Chat ID round trip: all five messages in one Glean chat, in order',
		chats.length === 1 &&
			JSON.stringify(chatQuestions(local.glean, chats[0])) === JSON.stringify(messages),
		`${chats.length} chat(s): ${chats.map((id) => chatQuestions(local.glean, id).length).join(', ')} message(s)`,
	);
	const ids = (await settledExecutions(local.n8n, thread.id, 5))
		.map((execution) => execution.id)
		.reverse();
	const ran = landings(local, ids);
	check(
		'the five executions ran on different workers',
		new Set(ran).size > 1,
		`workers ${ran.join(', ')}`,
	);

	local.glean.reset();
	const threads: Record<string, string | undefined> = {};
	for (const n of [1, 2, 3]) {
		for (const session of ['B', 'C'])
			threads[session] = await say(`${session}${n}`, threads[session]);
	}
	const sessions = [...local.glean.chats.keys()].map((id) =>
		chatQuestions(local.glean, id).join(' '),
	);
	check(
		'two conversations interleaved: two chats, each with its own messages in order',
		sessions.length === 2 && sessions.includes('B1 B2 B3') && sessions.includes('C1 C2 C3'),
		sessions.join(' | '),
	);
	return { chats: sessionChats };
}

/** Five messages of one session through a Session Key workflow: how many Glean chats they made. */
export async function sessionKeyChats(local: LocalN8n): Promise<number> {
	await publishAskWorkflow(local, {
		name: 'Chat session by Session Key',
		path: 'chat-session',
		options: { sessionKey: '={{ $json.body.sessionId }}' },
	});
	local.glean.reset();
	for (const n of [1, 2, 3, 4, 5]) {
		const response = await local.n8n.callWebhook('chat-session', {
			sessionId: 'a',
			message: `Session A, message ${n}`,
		});
		if (!response.ok) throw new Error(`Session Key message ${n}: HTTP ${response.status}`);
	}
	return local.glean.chats.size;
}

export async function checkStreaming(local: LocalN8n): Promise<void> {
	const example = local.examples.find(
		(imported) => imported.file === 'webhook-streaming-answer.json',
	);
	if (!example) throw new Error('webhook-streaming-answer.json was not imported');
	await local.n8n.activate(example);
	local.glean.reset();
	const question = 'When does Atlas launch?';
	const conversation = answerNamingQuestion(question);
	// Glean writes its answer line by line, 40 ms apart, so arriving early means streamed.
	local.glean.enqueue('chat', {
		kind: 'ndjson',
		body: conversationLines(conversation),
		chunking: 'lines',
		delayMs: 40,
	});
	const { items, text } = await askLive(local, question);
	check('the caller read the answer in pieces', items.length > 1, `${items.length} pieces`);
	check("the pieces join to Glean's exact answer", text === liveText(conversation), short(text));
	const gleanDone = local.glean.requestsTo('chat')[0]?.closedAt ?? 0;
	check(
		"the first piece arrived before Glean's last line",
		items.length > 0 && items[0].at < gleanDone,
		`${Math.round(gleanDone - (items[0]?.at ?? gleanDone))} ms before`,
	);
	const [latest] = await settledExecutions(local.n8n, example.id, 1);
	check(
		'a worker ran it',
		landings(local, [latest.id])[0] !== '?',
		`worker ${landings(local, [latest.id])[0]}`,
	);
}

export async function checkBinary(local: LocalN8n): Promise<void> {
	local.glean.reset();
	const example = local.examples.find((imported) => imported.file === 'upload-file-and-ask.json');
	if (!example) throw new Error('upload-file-and-ask.json was not imported');
	const upload = await local.n8n.runManually(example.id, 'Run it');
	const report = readFileSync(join(local.filesFolder, REPORT_FILE));
	const [stored] = [...local.glean.files.values()];
	check(
		'Upload (a manual run, on a worker): Glean got the file whole',
		upload.status === 'success' && stored?.data.equals(report),
		`${upload.status}, ${stored?.data.length ?? 0} of ${report.length} bytes, worker ${landings(local, [upload.id])[0]}`,
	);
	const credentialId = (await local.n8n.credentialIdsByName()).get(GLEAN_CREDENTIAL);
	const workflow = await local.n8n.createWorkflow({
		name: 'Download (queue mode)',
		nodes: [
			{
				id: randomUUID(),
				name: 'Run it',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: randomUUID(),
				name: 'Download',
				type: 'n8n-nodes-glean-chat.gleanChat',
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'file', operation: 'download', fileId: stored?.id ?? 'none' },
				credentials: { gleanChatApi: { id: credentialId, name: GLEAN_CREDENTIAL } },
			},
		],
		connections: { 'Run it': { main: [[{ node: 'Download', type: 'main', index: 0 }]] } },
		settings: {},
	});
	const download = await local.n8n.runManually(workflow.id, 'Run it');
	const item = download.runData.Download?.[0]?.data?.main?.[0]?.[0] as
		{ binary?: { data?: { id?: string; fileName?: string } } } | undefined;
	const binaryId = item?.binary?.data?.id ?? '';
	const bytes = binaryId
		? await local.n8n.download(
				`/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=download`,
			)
		: Buffer.alloc(0);
	check(
		"Download: the file is in n8n's database binary mode, byte for byte",
		download.status === 'success' && binaryId.startsWith('database:') && bytes.equals(report),
		`${download.status}, ${binaryId.split(':')[0] || 'no binary'}, ${bytes.length} bytes, worker ${landings(local, [download.id])[0]}`,
	);
}

/**
 * Saved questions (Glean would store a repeat twice) at once, and one worker killed (SIGKILL)
 * once it runs some of them: what n8n does with them, and that no question was stored twice.
 */
export async function checkWorkerDeath(local: LocalN8n): Promise<void> {
	const workflow = await publishAskWorkflow(local, {
		name: 'Saved question (queue mode)',
		path: 'ask-and-save',
		options: { saveChat: true },
	});
	local.glean.reset();
	local.glean.responseDelayMs = 500;
	const [victim] = local.workers;
	const before = executionsByWorker([victim])[0];
	const questions = Array.from({ length: 40 }, (_, index) => `Saved question ${index + 1}?`);
	const started = performance.now();
	const calls = questions.map(async (message) => {
		try {
			const response = await local.n8n.callWebhook('ask-and-save', { message });
			const body = (await response.json().catch(() => ({}))) as { answer?: string };
			return response.ok && String(body.answer).startsWith(`About “${message}”`)
				? 'answered'
				: `http ${response.status}`;
		} catch (error) {
			return `no answer (${(error as Error).message})`;
		}
	});
	const running = () => [...executionsByWorker([victim])[0]].filter((id) => !before.has(id));
	const deadline = Date.now() + 60_000;
	while (running().length < 3 && Date.now() < deadline)
		await new Promise((resolve) => setTimeout(resolve, 50));
	const startedOnVictim = new Set(running());
	process.kill(victim.pid!, 'SIGKILL');
	const killedAt = performance.now();
	const outcomes = await Promise.all(calls);
	local.glean.responseDelayMs = 0;
	const executions = await settledExecutions(local.n8n, workflow.id, questions.length);
	const byStatus = count(executions.map((execution) => execution.status));
	const byOutcome = count(outcomes);
	console.log(
		`  worker 1 (pid ${victim.pid}) killed ${((killedAt - started) / 1000).toFixed(1)} s in; callers: ${format(byOutcome)}; n8n's executions: ${format(byStatus)}; last caller answered ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
	);
	const stored = questions.map(
		(question) =>
			[...local.glean.chats.keys()].filter((id) =>
				chatQuestions(local.glean, id).includes(question),
			).length,
	);
	const asked = count(local.glean.requestsTo('chat').map((request) => questionOf(request)));
	const failed = outcomes.filter((outcome) => outcome !== 'answered').length;
	console.log(
		`  of the ${failed} that failed, Glean had stored ${outcomes.filter((outcome, index) => outcome !== 'answered' && stored[index] > 0).length} (answered, but the worker died before n8n kept the result); n8n ran ${questions.filter((question) => (asked[question] ?? 0) > 1).length} again`,
	);
	const lostOnVictim = executions.filter(
		(execution) => execution.status !== 'success' && startedOnVictim.has(execution.id),
	).length;
	check(
		'the killed worker was running executions, and n8n failed them',
		startedOnVictim.size >= 3 && lostOnVictim > 0,
		`${startedOnVictim.size} had started on it, ${lostOnVictim} of them failed`,
	);
	check(
		'no question was stored twice at Glean',
		stored.every((times) => times <= 1),
		`${stored.filter((times) => times > 1).length} stored twice`,
	);
	check(
		'every caller got its answer or an error from n8n (none left hanging)',
		outcomes.every((outcome) => outcome === 'answered' || outcome.startsWith('http')),
		format(byOutcome),
	);
	check(
		'n8n stored an execution for every question, each successful one answered',
		executions.length === questions.length && (byStatus.success ?? 0) === (byOutcome.answered ?? 0),
		format(byStatus),
	);
}

function count(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

function format(counts: Record<string, number>): string {
	return Object.entries(counts)
		.map(([key, value]) => `${value} ${key}`)
		.join(', ');
}
