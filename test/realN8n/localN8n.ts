import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SignJWT } from 'jose';

import { GleanEmulator } from '../emulator/gleanEmulator';
import { OpenAiEmulator } from '../emulator/openAiEmulator';
import { packageRoot } from '../harness/paths';
import { ensureN8n, N8N_MAJOR } from './n8nInstall';
import { freePort, N8nInstance, type Owner } from './n8nInstance';
import type { QueueServices } from './queueServices';

/**
 * The real n8n with this package, a Glean emulator, an OpenAI emulator (for the AI Agent
 * example), a signed-in owner, ready credentials pointing at both emulators, and the example
 * workflows imported. `npm run dev` keeps one open on port 5678; `npm run test:n8n` makes a
 * fresh one and runs the examples through it.
 */

export const OWNER: Owner = {
	email: 'dev@glean-chat.local',
	password: 'GleanChat-dev-1',
	firstName: 'Glean',
	lastName: 'Developer',
};

export const GLEAN_CREDENTIAL = 'Glean Chat (local emulator)';

/** Not connected until someone clicks "Connect my account" in its dialog (the emulator approves at once). */
export const GLEAN_OAUTH2_CREDENTIAL = 'Glean Chat sign-in (local emulator)';

/** The OAuth client an admin would register in Glean for this n8n: public (PKCE alone). */
export const OAUTH_CLIENT_ID = 'n8n-local';

const OPENAI_CREDENTIAL = 'OpenAI (local emulator)';

const JWT_CREDENTIAL = 'Callers’ JWT (local)';

const HEADER_CREDENTIAL = 'Chat front end header (local)';
const SLACK_CREDENTIAL = 'Slack (placeholder, no Slack here)';

/**
 * What the examples' webhooks check callers against: the key that signs callers' JWTs (standing
 * in for an identity provider's) and the header a chat front end sends. Random, made once per
 * user folder (so `npm run dev` keeps them), in a file only this user can read.
 */
export interface CallerSecrets {
	jwtSecret: string;
	header: { name: string; value: string };
}

function callerSecrets(userFolder: string): CallerSecrets {
	const file = join(userFolder, 'caller-secrets.json');
	if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as CallerSecrets;
	const secrets: CallerSecrets = {
		jwtSecret: randomBytes(32).toString('base64url'),
		header: { name: 'X-Chat-Key', value: randomBytes(24).toString('base64url') },
	};
	writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
	return secrets;
}

/**
 * A JWT for `email` (none: a token naming no user), for the audience `audience` (the webhook
 * example checks `n8n-ask-glean`), as an identity provider would sign it: HS256, an hour.
 */
export async function signedIdentity(
	secret: string,
	email: string | undefined,
	audience = 'n8n-ask-glean',
): Promise<string> {
	return await new SignJWT(email === undefined ? {} : { email })
		.setAudience(audience)
		.setProtectedHeader({ alg: 'HS256' })
		.setIssuedAt()
		.setExpirationTime('1h')
		.sign(new TextEncoder().encode(secret));
}

/** The file the upload example reads; the example's path is replaced by this folder's copy. */
export const REPORT_FILE = 'quarterly-report.pdf';

export interface LocalN8nOptions {
	userFolder: string;
	/** Default: free ports, chosen once the emulators have theirs. */
	n8nPort?: number;
	brokerPort?: number;
	/** 0: any free port. */
	gleanPort?: number;
	openAiPort?: number;
	gleanToken: string;
	/** Pause between streamed lines, so answers visibly stream in the editor. */
	streamDelayMs?: number;
	log?: (line: string) => void;
	/** Queue mode: n8n's main instance and this many workers, on these services. */
	queue?: { services: QueueServices; workers: number; encryptionKey: string };
}

export interface ImportedExample {
	file: string;
	id: string;
	versionId: string;
	workflow: ExampleWorkflow;
	/** Nodes set back to the newest version this n8n has (n8n 1.x): "Name type from→to". */
	lowered: string[];
}

export interface ExampleWorkflow {
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		typeVersion?: number;
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
	}>;
	connections: object;
	settings?: object;
	pinData?: object;
}

export interface LocalN8n {
	/** The instance the editor, REST API and webhooks use (the main one in queue mode). */
	n8n: N8nInstance;
	/** Queue mode's workers (none otherwise). */
	workers: N8nInstance[];
	glean: GleanEmulator;
	openAi: OpenAiEmulator;
	/** What callers of the examples' webhooks authenticate with. */
	callers: CallerSecrets;
	/** The Glean Chat OAuth2 API credential's ID (not connected at first). */
	oAuth2CredentialId: string;
	filesFolder: string;
	examples: ImportedExample[];
	stop(): Promise<void>;
}

export async function startLocalN8n(options: LocalN8nOptions): Promise<LocalN8n> {
	const log = options.log ?? console.log;
	const installed = ensureN8n(log);
	const filesFolder = join(options.userFolder, 'files');
	mkdirSync(filesFolder, { recursive: true });
	writeFileSync(join(filesFolder, REPORT_FILE), sampleReport());

	const glean = await GleanEmulator.start({
		port: options.gleanPort,
		token: options.gleanToken,
		streamDelayMs: options.streamDelayMs,
	});
	const openAi = await OpenAiEmulator.start(options.openAiPort);
	let n8n: N8nInstance | undefined;
	const workers: N8nInstance[] = [];
	const queue = options.queue && {
		redisPort: options.queue.services.redisPort,
		postgres: options.queue.services.postgres,
		encryptionKey: options.queue.encryptionKey,
	};
	try {
		n8n = await N8nInstance.start({
			n8n: installed,
			userFolder: options.userFolder,
			port: options.n8nPort ?? (await freePort()),
			brokerPort: options.brokerPort ?? (await freePort()),
			filesFolder,
			logFile: join(options.userFolder, 'n8n.log'),
			...(queue ? { queue: { ...queue, role: 'main' as const } } : {}),
		});
		// Each worker as on a machine of its own: its own user folder with the package installed.
		for (let index = 1; queue && index <= (options.queue?.workers ?? 0); index++) {
			const folder = join(options.userFolder, `worker-${index}`);
			workers.push(
				await N8nInstance.start({
					n8n: installed,
					userFolder: folder,
					port: await freePort(),
					brokerPort: await freePort(),
					filesFolder,
					logFile: join(folder, 'n8n.log'),
					queue: { ...queue, role: 'worker' },
				}),
			);
		}
		await n8n.signIn(OWNER);
		const credentials = await n8n.credentialIdsByName();
		const gleanData = {
			baseUrl: glean.baseUrl,
			apiToken: options.gleanToken,
			authType: 'token',
			actAs: '',
		};
		const openAiData = { apiKey: 'sk-local-emulator', url: openAi.baseUrl };
		const callers = callerSecrets(options.userFolder);
		const jwtData = { keyType: 'passphrase', secret: callers.jwtSecret, algorithm: 'HS256' };
		const ids = {
			gleanChatApi:
				credentials.get(GLEAN_CREDENTIAL) ??
				(await n8n.createCredential(GLEAN_CREDENTIAL, 'gleanChatApi', gleanData)),
			openAiApi:
				credentials.get(OPENAI_CREDENTIAL) ??
				(await n8n.createCredential(OPENAI_CREDENTIAL, 'openAiApi', openAiData)),
			jwtAuth:
				credentials.get(JWT_CREDENTIAL) ??
				(await n8n.createCredential(JWT_CREDENTIAL, 'jwtAuth', jwtData)),
			httpHeaderAuth:
				credentials.get(HEADER_CREDENTIAL) ??
				(await n8n.createCredential(HEADER_CREDENTIAL, 'httpHeaderAuth', callers.header)),
			// The weekly report's Slack node: runs here stop before it (there is no Slack to post to).
			slackApi:
				credentials.get(SLACK_CREDENTIAL) ??
				(await n8n.createCredential(SLACK_CREDENTIAL, 'slackApi', {
					accessToken: 'xoxb-local-placeholder-never-sent',
				})),
		};
		// Registered as a Glean admin would: the redirect URL n8n shows in the credential's dialog.
		glean.oauth.clients.set(OAUTH_CLIENT_ID, {
			clientId: OAUTH_CLIENT_ID,
			redirectUris: [`${n8n.baseUrl}/rest/oauth2-credential/callback`],
		});
		const oAuth2CredentialId =
			credentials.get(GLEAN_OAUTH2_CREDENTIAL) ??
			(await n8n.createCredential(GLEAN_OAUTH2_CREDENTIAL, 'gleanChatOAuth2Api', {
				baseUrl: glean.baseUrl,
				clientId: OAUTH_CLIENT_ID,
			}));
		const examples = await importExamples(n8n, ids, filesFolder);
		const running = n8n;
		return {
			n8n: running,
			workers,
			glean,
			openAi,
			callers,
			oAuth2CredentialId,
			filesFolder,
			examples,
			stop: async () => {
				for (const worker of workers) await worker.stop();
				await running.stop();
				await glean.stop();
				await openAi.stop();
			},
		};
	} catch (error) {
		for (const worker of workers) await worker.stop();
		await n8n?.stop();
		await glean.stop();
		await openAi.stop();
		throw error;
	}
}

/**
 * Imports every workflow in examples/ that the instance does not have yet, as a user would:
 * the same JSON, with the credential placeholders pointed at the local credentials and the
 * upload example's file path pointed at the local copy of the report.
 */
async function importExamples(
	n8n: N8nInstance,
	credentialIds: Record<string, string>,
	filesFolder: string,
): Promise<ImportedExample[]> {
	const examplesDir = join(packageRoot(), 'examples');
	const existing = await n8n.workflowIdsByName();
	const newest = N8N_MAJOR === 1 ? await n8n.newestNodeVersions() : new Map<string, number>();
	const imported: ImportedExample[] = [];
	for (const file of readdirSync(examplesDir)
		.filter((name) => name.endsWith('.json'))
		.sort()) {
		const workflow = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as ExampleWorkflow;
		const lowered: string[] = [];
		for (const node of workflow.nodes) {
			// The examples use the node versions n8n 2.41 adds; n8n 1.x cannot run a version it
			// lacks, so it gets the one its editor would add (as a 1.x user builds the workflow).
			const has = newest.get(node.type);
			if (has !== undefined && (node.typeVersion ?? 1) > has) {
				lowered.push(`${node.name} ${node.type} ${node.typeVersion}→${has}`);
				node.typeVersion = has;
			}
			for (const [type, credential] of Object.entries(node.credentials ?? {})) {
				if (!credentialIds[type]) throw new Error(`${file}: no local credential of type ${type}`);
				credential.id = credentialIds[type];
			}
			if (node.type === 'n8n-nodes-base.readWriteFile')
				node.parameters.fileSelector = join(filesFolder, REPORT_FILE);
		}
		const id = existing.get(workflow.name);
		if (id) {
			const stored = await n8n.rest<{ versionId: string }>('GET', `/rest/workflows/${id}`);
			imported.push({ file, id, versionId: stored.versionId, workflow, lowered });
			continue;
		}
		const { pinData: _pinData, ...body } = workflow;
		const created = await n8n.createWorkflow(body);
		imported.push({ file, id: created.id, versionId: created.versionId, workflow, lowered });
	}
	return imported;
}

/** A small, valid PDF (over Glean's 1,024-byte minimum) standing in for a quarterly report. */
function sampleReport(): Buffer {
	const text =
		'Quarterly report Q3 2026. Revenue grew 12 percent. Open risks: Atlas launch date, hiring in EMEA.';
	const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let body = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((object, index) => {
		offsets.push(body.length);
		body += `${index + 1} 0 obj\n${object}\nendobj\n`;
	});
	// Padding in a comment keeps the file valid and above the minimum size.
	body += `% ${'Notes for the quarter. '.repeat(50)}\n`;
	const xref = body.length;
	body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
	body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}
