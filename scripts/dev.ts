/**
 * `npm run dev`: the real n8n editor on http://127.0.0.1:5678 with this package installed as a
 * community node (the `npm pack` tarball, rebuilt at every start), a Glean emulator on 5680
 * with a ready "Glean Chat (local emulator)" credential, an OpenAI emulator on 5681 for the AI
 * Agent example, and the example workflows imported: click through every operation without a
 * Glean account. Its data stays in a folder outside the repo between runs.
 *
 *   npm run dev              start (or continue) the local n8n
 *   npm run dev -- --fresh   start over with an empty n8n
 */
import '../test/harness/env';

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { cacheBase } from '../test/realN8n/n8nInstall';
import { OWNER, startLocalN8n } from '../test/realN8n/localN8n';

const PORTS = { n8n: 5678, broker: 5679, glean: 5680, openAi: 5681 };

async function main(): Promise<void> {
	const userFolder = join(cacheBase(), 'dev-n8n');
	if (process.argv.includes('--fresh')) rmSync(userFolder, { recursive: true, force: true });
	console.log(`Starting n8n with n8n-nodes-glean-chat (data in ${userFolder}) …`);
	const local = await startLocalN8n({
		userFolder,
		n8nPort: PORTS.n8n,
		brokerPort: PORTS.broker,
		gleanPort: PORTS.glean,
		openAiPort: PORTS.openAi,
		gleanToken: 'dev-glean-token',
		// Paced lines, so answers visibly stream in n8n's chat.
		streamDelayMs: 25,
	});
	local.glean.onRequest = (request) => {
		const problems = request.problems.length > 0 ? `  ✗ not as Glean's spec says: ${request.problems.join('; ')}` : '';
		console.log(`Glean emulator ← ${request.method} ${request.path}${problems}`);
	};

	console.log(`
n8n is ready: ${local.n8n.baseUrl}
  Sign in as ${OWNER.email} / ${OWNER.password}
  Credential "Glean Chat (local emulator)" asks the Glean emulator at ${local.glean.baseUrl}
  Example workflows: ${local.examples.map((example) => example.workflow.name).join('; ')}
  The upload example reads ${join(local.filesFolder, 'quarterly-report.pdf')}
After changing the node, stop (Ctrl-C) and run npm run dev again: it rebuilds and reinstalls the package.
n8n's log: ${join(userFolder, 'n8n.log')}
`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n …');
		await local.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
