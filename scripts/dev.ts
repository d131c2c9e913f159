/**
 * `npm run dev`: the real n8n editor on http://127.0.0.1:5678 with this package installed as a
 * community node (the `npm pack` tarball, rebuilt at every start), a Glean emulator on 5680
 * with a ready "Glean Chat (local emulator)" credential, an OpenAI emulator on 5681 for the AI
 * Agent example, and the example workflows imported: click through every operation without a
 * Glean account. Its data stays in a folder outside the repo between runs.
 *
 *   npm run dev              start (or continue) the local n8n
 *   npm run dev -- --fresh   start over with an empty n8n
 *   npm run dev -- --queue   n8n's queue mode instead: Redis, PostgreSQL, a main instance and
 *                            two workers (what npm run test:n8n:queue checks); starts empty each time
 */
import '../test/harness/env';

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { EXAMPLE_AGENT } from '../test/emulator/agents';
import { cacheBase, N8N_MAJOR } from '../test/realN8n/n8nInstall';
import { assertPortFree } from '../test/realN8n/n8nInstance';
import { startQueueServices } from '../test/realN8n/queueServices';
import {
	GLEAN_CREDENTIAL,
	GLEAN_OAUTH2_CREDENTIAL,
	OWNER,
	signedIdentity,
	startLocalN8n,
} from '../test/realN8n/localN8n';

const PORTS = { n8n: 5678, broker: 5679, glean: 5680, openAi: 5681 };

let stopping = false;
let stopLocal: (() => Promise<void>) | undefined;

let stopServices: (() => Promise<void>) | undefined;

/** Ctrl-C, a closed terminal or a kill: stop n8n and the emulators, even during startup. */
async function stop(): Promise<void> {
	if (stopping) return;
	stopping = true;
	console.log('\nStopping n8n …');
	await stopLocal?.();
	await stopServices?.();
	process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
	process.on(signal, () => void stop());

async function main(): Promise<void> {
	const queueMode = process.argv.includes('--queue');
	if (queueMode && N8N_MAJOR === 1)
		throw new Error(
			'Queue mode runs on n8n 2.x only here: npm run dev -- --queue without N8N_MAJOR=1.',
		);
	// Each n8n line keeps its own data: n8n cannot open a database a newer n8n has migrated.
	const userFolder = join(
		cacheBase(),
		queueMode ? 'dev-n8n-queue' : N8N_MAJOR === 1 ? 'dev-n8n-1' : 'dev-n8n',
	);
	// Queue mode's database is new at every start, so its n8n is too.
	if (process.argv.includes('--fresh') || queueMode)
		rmSync(userFolder, { recursive: true, force: true });
	for (const [what, port] of Object.entries(PORTS))
		await assertPortFree(port, `${what}; is npm run dev already running?`);
	console.log(`Starting n8n with n8n-nodes-glean-chat (data in ${userFolder}) …`);
	const services = queueMode ? await startQueueServices((line) => console.log(line)) : undefined;
	stopServices = services?.stop;
	const local = await startLocalN8n({
		userFolder,
		n8nPort: PORTS.n8n,
		brokerPort: PORTS.broker,
		gleanPort: PORTS.glean,
		openAiPort: PORTS.openAi,
		gleanToken: 'dev-glean-token',
		// Paced lines, so answers visibly stream in n8n's chat.
		streamDelayMs: 25,
		...(services
			? { queue: { services, workers: 2, encryptionKey: randomBytes(24).toString('base64url') } }
			: {}),
	});
	stopLocal = local.stop;
	if (services)
		console.log(
			`Queue mode: workers (pid ${local.workers.map((worker) => worker.pid).join(', ')}) run the executions; their logs are in ${userFolder}/worker-*/n8n.log`,
		);
	// The agent the agent example runs (Agent → From List offers it).
	local.glean.agents.agents.set(EXAMPLE_AGENT.agent.agent_id, EXAMPLE_AGENT);
	local.glean.onRequest = (request, status) => {
		const problems =
			request.problems.length > 0
				? `  ✗ not as Glean's spec says: ${request.problems.join('; ')}`
				: '';
		console.log(`Glean emulator ← ${request.method} ${request.path} → ${status}${problems}`);
	};
	local.n8n.onExit((code) => {
		if (stopping) return;
		console.error(
			`n8n stopped by itself (exit code ${code}). Its log: ${join(userFolder, 'n8n.log')}`,
		);
		void local
			.stop()
			.then(async () => await stopServices?.())
			.then(() => process.exit(1));
	});

	// The webhook examples require callers to authenticate: a JWT from "the identity provider", a front end's header.
	const jwt = await signedIdentity(local.callers.jwtSecret, OWNER.email);
	console.log(`
n8n is ready: ${local.n8n.baseUrl}
  Sign in as ${OWNER.email} / ${OWNER.password}
  Credential "${GLEAN_CREDENTIAL}" asks the Glean emulator at ${local.glean.baseUrl}
  Credential "${GLEAN_OAUTH2_CREDENTIAL}" signs in to the emulator: open it and click "Connect my account"
  Example workflows: ${local.examples.map((example) => example.workflow.name).join('; ')}
  The upload example reads ${join(local.filesFolder, 'quarterly-report.pdf')}
  Once the webhook examples are published, call them as an authenticated caller would:
    curl -X POST ${local.n8n.baseUrl}/webhook/ask-glean -H 'Content-Type: application/json' -H 'Authorization: Bearer ${jwt}' -d '{"question":"When does Atlas launch?"}'
    curl -N -X POST ${local.n8n.baseUrl}/webhook/ask-glean-live -H 'Content-Type: application/json' -H '${local.callers.header.name}: ${local.callers.header.value}' -d '{"question":"When does Atlas launch?"}'
    curl -X POST ${local.n8n.baseUrl}/webhook/release-note -H 'Content-Type: application/json' -H '${local.callers.header.name}: ${local.callers.header.value}' -d '{"version":"2.4","audience":"customers"}'
  (the JWT, for ${OWNER.email}, is valid for an hour; its key and the header are in the "Callers’ JWT (local)" and "Chat front end header (local)" credentials)
  The emulator has one agent, "${EXAMPLE_AGENT.agent.name}" (Agent → Run → From List)
After changing the node, stop (Ctrl-C) and run npm run dev again: it rebuilds and reinstalls the package.
${queueMode ? 'Queue mode starts empty each time (its database is new).' : 'The examples are imported once; npm run dev -- --fresh imports them again (and forgets all else).'}
n8n's log: ${join(userFolder, 'n8n.log')}
`);
}

main().catch(async (error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	await stopServices?.();
	process.exit(1);
});
