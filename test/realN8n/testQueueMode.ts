/**
 * `npm run test:n8n:queue`: the package in n8n's queue mode (docs.n8n.io, hosting/scaling):
 * Redis and PostgreSQL from Debian's packages (queueServices.ts), the cached n8n 2.41.1 as a
 * main instance and two workers, each with the packed package installed in its own user
 * folder, and the Glean emulator. Checks load, sessions across workers, streaming from a
 * worker, binary data, and a worker killed mid-load against n8n's stored executions; then the
 * same load on a single n8n process, for the ratio. Ends with one summary line; exits non-zero
 * if any check fails. Everything it starts, it stops.
 */
import '../harness/env';

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { N8N_MAJOR, N8N_VERSION } from './n8nInstall';
import { type LocalN8n, startLocalN8n } from './localN8n';
import { answerNamingQuestion, fireLoad, injectFaults, type LoadResult } from './queueChecks';
import {
	checkBinary,
	checkSessions,
	checkStreaming,
	checkWorkerDeath,
	loadSplit,
	sessionKeyChats,
} from './queueSections';
import { type QueueServices, startQueueServices } from './queueServices';
import { check, failureCount, section as reportSection } from './report';

const TOKEN = 'queue-mode-secret-token-5c1e';
const LOAD = 300;
const WORKERS = 2;

/** `-- --only Sessions` runs only the sections whose title starts so (for debugging). */
const only = process.argv.includes('--only')
	? process.argv[process.argv.indexOf('--only') + 1]
	: undefined;

/** A section of this script (report.ts), skipped unless it is the one `--only` names. */
async function section(title: string, body: () => Promise<void>): Promise<void> {
	await reportSection(title, body, only);
}

/** The load on a published webhook-question-answer example, with a few 429s and 500s injected. */
async function load(local: LocalN8n): Promise<LoadResult> {
	const example = local.examples.find(
		(imported) => imported.file === 'webhook-question-answer.json',
	);
	if (!example) throw new Error('webhook-question-answer.json was not imported');
	await local.n8n.activate(example);
	local.glean.reset();
	const faults = injectFaults(local.glean);
	const result = await fireLoad(local, example, LOAD);
	const { s429, s500 } = faults.injected();
	console.log(
		`  ${result.fired} questions at once: ${result.answered} answered in ${(result.wallMillis / 1000).toFixed(1)} s; Glean refused ${s429} with 429 and failed ${s500} with 500`,
	);
	local.glean.faults = undefined;
	return result;
}

async function main(): Promise<void> {
	if (N8N_MAJOR === 1)
		throw new Error('Queue mode is checked on n8n 2.x only: run it without N8N_MAJOR=1.');
	const started = Date.now();
	const runFolder = mkdtempSync(join(tmpdir(), 'glean-chat-queue-n8n-'));
	console.log(
		`n8n ${N8N_VERSION} in queue mode: a main instance and ${WORKERS} workers (run folder ${runFolder})`,
	);
	let services: QueueServices | undefined;
	let queued: LoadResult | undefined;
	let split: number[] = [];
	let singleMillis = Number.NaN;
	let sessionKey: { chats: number } | undefined;
	try {
		services = await startQueueServices((line) => console.log(line));
		const encryptionKey = randomBytes(24).toString('base64url');
		const local = await startLocalN8n({
			userFolder: join(runFolder, 'queue'),
			gleanToken: TOKEN,
			streamDelayMs: 5,
			queue: { services, workers: WORKERS, encryptionKey },
		});
		local.glean.conversationFor = answerNamingQuestion;
		try {
			console.log(
				`main ${local.n8n.baseUrl}, workers pid ${local.workers.map((worker) => worker.pid).join(', ')}`,
			);
			await section(
				`Load: ${LOAD} webhook executions at once, with injected 429s and 500s`,
				async () => {
					queued = await load(local);
					split = loadSplit(local, queued);
					check(
						'every execution succeeded',
						queued.stored === LOAD && queued.succeeded === LOAD,
						`${queued.succeeded} successful of ${queued.stored} stored executions`,
					);
					check(
						'every caller got its own question’s answer',
						queued.lost.length === 0,
						queued.lost.slice(0, 3).join('; '),
					);
					check(
						'no question answered twice',
						queued.duplicated.length === 0,
						queued.duplicated.slice(0, 3).join('; '),
					);
					// Each execution in exactly one worker's log: none ran twice, none elsewhere.
					check(
						'both workers ran a fair share, each execution on one worker',
						split.every((share) => share >= LOAD * 0.3) &&
							split.reduce((sum, share) => sum + share, 0) === LOAD,
						split.join('/'),
					);
				},
			);
			await section(
				'Sessions across workers: five messages of one conversation, then two interleaved',
				async () => {
					sessionKey = await checkSessions(local);
				},
			);
			await section(
				'Streaming from a worker: webhook-streaming-answer.json',
				async () => await checkStreaming(local),
			);
			await section(
				'Binary data in queue mode: upload, then download',
				async () => await checkBinary(local),
			);
			await section(
				'A worker killed in the middle of the load',
				async () => await checkWorkerDeath(local),
			);
		} finally {
			await local.stop();
		}
		await section(`The same load on one n8n process (regular mode), for comparison`, async () => {
			const single = await startLocalN8n({
				userFolder: join(runFolder, 'single'),
				gleanToken: TOKEN,
				streamDelayMs: 5,
			});
			single.glean.conversationFor = answerNamingQuestion;
			try {
				const result = await load(single);
				singleMillis = result.wallMillis;
				check(
					'every caller got its own answer there too',
					result.answered === LOAD,
					`${result.answered} of ${LOAD}`,
				);
				const chats = await sessionKeyChats(single);
				check(
					'Session Key keeps a conversation in regular mode: five messages, one chat',
					chats === 1,
					`${chats} chat(s)`,
				);
			} finally {
				await single.stop();
			}
		});
	} catch (error) {
		check('ran to the end', false, (error as Error).stack ?? String(error));
	} finally {
		await services?.stop();
	}
	const result = queued as LoadResult | undefined;
	const ratio =
		result && Number.isFinite(singleMillis) ? (result.wallMillis / singleMillis).toFixed(2) : '?';
	if (sessionKey)
		console.log(
			`Session Key in queue mode: ${sessionKey.chats} Glean chats for one session of 5 messages (n8n ${N8N_VERSION} workers get no workflow static data)`,
		);
	console.log(
		`\n${failureCount() === 0 ? 'All checks passed' : `${failureCount()} check(s) failed`} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
	);
	if (failureCount() === 0) rmSync(runFolder, { recursive: true, force: true });
	else console.log(`Logs: ${runFolder}`);
	console.log(
		`queue-mode: ${result?.stored ?? 0} executions, ${WORKERS} workers, ${result?.lost.length ?? '?'} lost, ${result?.duplicated.length ?? '?'} duplicated, split ${split.join('/') || '?'}, ${ratio}x single-process time`,
	);
	if (failureCount() > 0) process.exitCode = 1;
}

// Ctrl-C or a kill: exit, so the exit handlers stop n8n, Redis and PostgreSQL.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
	process.once(signal, () => process.exit(1));

void main();
