import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
	createWriteStream,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../harness/paths';
import { type InstalledN8n, N8N_MAJOR, seedMigratedDatabase } from './n8nInstall';

/**
 * One real n8n application process (`n8n start`) with this package installed the way n8n
 * loads community nodes: the `npm pack` tarball unpacked into
 * `<user folder>/.n8n/nodes/node_modules/n8n-nodes-glean-chat`. It is driven through the same
 * REST API the editor uses (owner sign-up, credentials, workflows, manual runs, executions).
 */

const PACKAGE_NAME = 'n8n-nodes-glean-chat';

export interface N8nInstanceOptions {
	n8n: InstalledN8n;
	/** N8N_USER_FOLDER. Kept as is: a new folder gives a new instance, an old one keeps its data. */
	userFolder: string;
	port: number;
	/** n8n's task broker port (default 5679); parallel instances need their own. */
	brokerPort: number;
	/** Folder the Read/Write Files node may read (N8N_RESTRICT_FILE_ACCESS_TO). */
	filesFolder: string;
	/** Where n8n's own log goes. */
	logFile: string;
	/** Queue mode (Redis, PostgreSQL): this process is the main instance or one of its workers. */
	queue?: QueueSettings;
}

/** What every process of one queue-mode n8n shares, and this process's part in it. */
export interface QueueSettings {
	role: 'main' | 'worker';
	redisPort: number;
	postgres: { host: string; port: number; database: string; user: string };
	/** The same in every process: each decrypts what another stored. */
	encryptionKey: string;
	/** A worker's jobs at once (n8n's `--concurrency`, default 10). */
	concurrency?: number;
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface ExecutionResult {
	id: string;
	status: string;
	/** `resultData` of the run: per node name, its runs. */
	runData: Record<
		string,
		Array<{
			data?: Record<string, Array<Array<{ json: Record<string, unknown> }> | null>>;
			error?: { message: string; description?: string };
		}>
	>;
	error?: { message: string; description?: string; node?: { name: string } };
	lastNodeExecuted?: string;
}

/** Sent with every REST call: n8n ties its auth cookie to the browser id it was issued for. */
const BROWSER_ID = 'glean-chat-real-n8n-tests';

export class N8nInstance {
	readonly baseUrl: string;

	private process?: ChildProcess;

	private cookie = '';

	private exited?: Promise<number | null>;

	private constructor(readonly options: N8nInstanceOptions) {
		this.baseUrl = `http://127.0.0.1:${options.port}`;
	}

	/** The n8n process's id (for a test that kills a worker). */
	get pid(): number | undefined {
		return this.process?.pid;
	}

	/** Packs the package, installs it into the user folder, starts n8n and waits until it is ready. */
	static async start(options: N8nInstanceOptions): Promise<N8nInstance> {
		installPackedPackage(options.userFolder);
		const instance = new N8nInstance(options);
		await instance.spawn();
		return instance;
	}

	private async spawn(): Promise<void> {
		const { n8n, userFolder, port, brokerPort, filesFolder, logFile } = this.options;
		mkdirSync(filesFolder, { recursive: true });
		// Another n8n on these ports would answer our readiness check and get our owner and data.
		await assertPortFree(port, 'n8n');
		await assertPortFree(brokerPort, "n8n's task broker");
		// Only what n8n needs from this shell: a developer's own N8N_*, DB_* or proxy settings
		// would make this a different n8n. No encryption key: n8n keeps its own in the user folder.
		const env: NodeJS.ProcessEnv = {
			...pick(process.env, ['HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR']),
			// n8n starts its JavaScript task runner with the `node` on PATH: the same Node as n8n.
			PATH: `${n8n.nodeBinDir}:${process.env.PATH ?? ''}`,
			NO_PROXY: '127.0.0.1,localhost',
			N8N_USER_FOLDER: userFolder,
			DB_TYPE: 'sqlite',
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
			// The editor is served over plain http on loopback.
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_RESTRICT_FILE_ACCESS_TO: filesFolder,
			// Fewer calls to n8n's servers (none are needed here, and CI may have no internet).
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			// n8n 2.x's module that calls n8n's servers (1.x has none, and refuses the name).
			...(N8N_MAJOR === 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_LOG_LEVEL: 'warn',
		};
		const queue = this.options.queue;
		if (queue) Object.assign(env, queueEnv(queue, port));
		else seedMigratedDatabase(n8n, userFolder, env);
		const command =
			queue?.role === 'worker' ? ['worker', `--concurrency=${queue.concurrency ?? 10}`] : ['start'];
		const child = spawn(n8n.node, [n8n.n8nBin, ...command], {
			cwd: userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.process = child;
		// Both streams write to one log, which closes only when the process has closed both.
		const log = createWriteStream(logFile, { flags: 'a' });
		log.on('error', () => undefined);
		child.stdout.pipe(log, { end: false });
		child.stderr.pipe(log, { end: false });
		child.once('close', () => log.end());
		this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
		// If this process ends first (an error, Ctrl-C), n8n must not stay behind holding its ports.
		const killOnExit = () => child.kill('SIGKILL');
		process.once('exit', killOnExit);
		void this.exited.then(() => process.off('exit', killOnExit));
		try {
			await this.waitUntilReady();
		} catch (error) {
			await this.stop();
			throw error;
		}
	}

	private async waitUntilReady(): Promise<void> {
		const deadline = Date.now() + 180_000;
		while (Date.now() < deadline) {
			if (!this.running)
				throw new Error(
					`n8n exited with code ${this.process?.exitCode} before it was ready.\n${this.logTail()}`,
				);
			try {
				// A worker answers on its health port (here `port`) once it reaches the database and Redis.
				// n8n 1.x is "ready" before its REST API is mounted: a main instance must serve that too.
				const served =
					(await answers(`${this.baseUrl}/healthz/readiness`)) &&
					(this.options.queue?.role === 'worker' ||
						(await answers(`${this.baseUrl}/rest/settings`)));
				// Ready, and still ours: the port was free when it started.
				if (served && this.running) return;
			} catch {
				// Not listening yet.
			}
			await pause(250);
		}
		throw new Error(`n8n was not ready after 180 s.\n${this.logTail()}`);
	}

	get running(): boolean {
		return (
			this.process !== undefined &&
			this.process.exitCode === null &&
			this.process.signalCode === null
		);
	}

	/** Calls back when the n8n process ends (it should not while in use). */
	onExit(callback: (code: number | null) => void): void {
		void this.exited?.then(callback);
	}

	logTail(lines = 40): string {
		try {
			return readFileSync(this.options.logFile, 'utf8')
				.trimEnd()
				.split('\n')
				.slice(-lines)
				.join('\n');
		} catch {
			return '(no n8n log)';
		}
	}

	async stop(): Promise<void> {
		const child = this.process;
		if (!child || !this.running) return;
		child.kill('SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<'timeout'>(
			(resolve) => (timer = setTimeout(() => resolve('timeout'), 20_000)),
		);
		const stopped = await Promise.race([this.exited, timeout]);
		clearTimeout(timer);
		if (stopped === 'timeout') child.kill('SIGKILL');
	}

	/** Signs the owner up on a new instance, or in on one that has an owner. */
	async signIn(owner: Owner): Promise<void> {
		const settings = (
			await this.rest<{ userManagement: { showSetupOnFirstLoad?: boolean } }>(
				'GET',
				'/rest/settings',
			)
		).userManagement;
		const response = settings.showSetupOnFirstLoad
			? await this.call('POST', '/rest/owner/setup', owner)
			: await this.call('POST', '/rest/login', {
					emailOrLdapLoginId: owner.email,
					password: owner.password,
				});
		if (!response.ok)
			throw new Error(`Signing in to n8n failed: ${response.status} ${await response.text()}`);
		const cookie = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n did not set its auth cookie');
		this.cookie = cookie.split(';')[0];
	}

	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.call(method, path, body);
		const text = await response.text();
		if (!response.ok)
			throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	private async call(method: string, path: string, body?: unknown): Promise<Response> {
		return await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				'Content-Type': 'application/json',
				'browser-id': BROWSER_ID,
				...(this.cookie ? { Cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	}

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<string> {
		return (await this.rest<{ id: string }>('POST', '/rest/credentials', { name, type, data })).id;
	}

	async credentialIdsByName(): Promise<Map<string, string>> {
		const credentials = await this.rest<Array<{ id: string; name: string }>>(
			'GET',
			'/rest/credentials',
		);
		return new Map(credentials.map((credential) => [credential.name, credential.id]));
	}

	/**
	 * "Test credential" in the credential's dialog: n8n 2.x tests a new, unsaved credential;
	 * n8n 1.x tests only a saved one (its dialog saves first), so on 1.x it is saved, tested
	 * with the data given, and deleted again.
	 */
	async testCredential(
		type: string,
		data: Record<string, unknown>,
	): Promise<{ status: string; message: string }> {
		if (N8N_MAJOR === 2) {
			return await this.rest('POST', '/rest/credentials/test', {
				credentials: { id: '', name: 'test', type, data },
			});
		}
		const name = `Credential test ${Date.now()}`;
		const id = await this.createCredential(name, type, data);
		try {
			return await this.rest('POST', '/rest/credentials/test', {
				credentials: { id, name, type, data },
			});
		} finally {
			await this.rest('DELETE', `/rest/credentials/${id}`);
		}
	}

	/** Bytes n8n serves to the signed-in owner, e.g. `/rest/binary-data?id=…&action=download`. */
	async download(path: string): Promise<Buffer> {
		const response = await this.call('GET', path);
		if (!response.ok) throw new Error(`GET ${path} → ${response.status}`);
		return Buffer.from(await response.arrayBuffer());
	}

	/** A file the editor loads (not wrapped in `data`), e.g. `/types/nodes.json`. */
	async getJson<T>(path: string): Promise<T> {
		const response = await this.call('GET', path);
		if (!response.ok) throw new Error(`GET ${path} → ${response.status}`);
		return (await response.json()) as T;
	}

	/**
	 * POSTs JSON to a production webhook. Publishing registers webhooks in the background, so
	 * a 404 (not registered yet) is retried for a few seconds; nothing runs on a 404.
	 */
	async callWebhook(
		path: string,
		body: unknown,
		headers: Record<string, string> = {},
	): Promise<Response> {
		const deadline = Date.now() + 15_000;
		for (;;) {
			const response = await fetch(`${this.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', ...headers },
				body: JSON.stringify(body),
			});
			if (response.status !== 404 || Date.now() > deadline) return response;
			await response.arrayBuffer();
			await pause(200);
		}
	}

	async createWorkflow(workflow: object): Promise<{ id: string; versionId: string }> {
		// n8n 1.x stores `active` with each workflow and needs it given; 2.x publishes instead.
		const body = N8N_MAJOR === 1 ? { active: false, ...workflow } : workflow;
		return await this.rest('POST', '/rest/workflows', body);
	}

	/** The newest version of each node type this n8n has (what its editor adds), by type. */
	async newestNodeVersions(): Promise<Map<string, number>> {
		const types =
			await this.getJson<
				Array<{ name: string; version: number | number[]; defaultVersion?: number }>
			>('/types/nodes.json');
		const newest = new Map<string, number>();
		for (const type of types) {
			const version = type.defaultVersion ?? Math.max(...[type.version].flat());
			newest.set(type.name, Math.max(newest.get(type.name) ?? 0, version));
		}
		return newest;
	}

	async workflowIdsByName(): Promise<Map<string, string>> {
		const workflows = await this.rest<Array<{ id: string; name: string }>>(
			'GET',
			'/rest/workflows',
		);
		return new Map(workflows.map((workflow) => [workflow.name, workflow.id]));
	}

	/** Publishes a workflow, so its production webhooks answer. */
	async activate(workflow: { id: string; versionId: string }): Promise<void> {
		await this.rest('POST', `/rest/workflows/${workflow.id}/activate`, {
			versionId: workflow.versionId,
		});
	}

	/**
	 * What the editor's "Execute workflow" button does: run from a trigger, optionally with the
	 * trigger's output given (as the editor's chat panel gives the chat message). Waits for the end.
	 */
	async runManually(
		workflowId: string,
		trigger: string,
		triggerOutput?: Array<Record<string, unknown>>,
		/** Run up to this node and stop (the editor's "Execute step" on it). */
		destination?: string,
	): Promise<ExecutionResult> {
		const triggerToStartFrom = triggerOutput
			? {
					name: trigger,
					data: {
						startTime: Date.now(),
						executionTime: 0,
						executionIndex: 0,
						source: [],
						data: { main: [triggerOutput.map((json) => ({ json }))] },
					},
				}
			: { name: trigger };
		// n8n 1.x's editor sends the workflow it shows with every run; 2.x's runs the stored one.
		const workflowData =
			N8N_MAJOR === 1 ? await this.rest<object>('GET', `/rest/workflows/${workflowId}`) : undefined;
		const { executionId } = await this.rest<{ executionId: string }>(
			'POST',
			`/rest/workflows/${workflowId}/run`,
			{
				...(workflowData ? { workflowData } : {}),
				triggerToStartFrom,
				...(destination ? { destinationNode: { nodeName: destination, mode: 'inclusive' } } : {}),
			},
		);
		return await this.waitForExecution(executionId);
	}

	/**
	 * The latest execution of a workflow, once finished (for runs a webhook started). A webhook
	 * can answer before its execution is listed, so the list is polled until it appears.
	 */
	async lastExecution(workflowId: string): Promise<ExecutionResult> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const deadline = Date.now() + 30_000;
		for (;;) {
			const { results } = await this.rest<{ results: Array<{ id: string }> }>(
				'GET',
				`/rest/executions?filter=${filter}&limit=1`,
			);
			if (results[0]) return await this.waitForExecution(results[0].id);
			if (Date.now() > deadline)
				throw new Error(`Workflow ${workflowId} has no execution after 30 s`);
			await pause(100);
		}
	}

	async waitForExecution(executionId: string): Promise<ExecutionResult> {
		const deadline = Date.now() + 120_000;
		let finishedAt: number | undefined;
		while (Date.now() < deadline) {
			const execution = await this.rest<{ status: string; data: string }>(
				'GET',
				`/rest/executions/${executionId}`,
			);
			if (!['new', 'running', 'waiting'].includes(execution.status)) {
				// Execution data is stored in the `flatted` format (it keeps shared references).
				const data = this.flatted().parse(execution.data) as
					{ resultData?: Omit<ExecutionResult, 'id' | 'status'> } | undefined;
				// n8n 1.x can mark an execution finished a moment before its data is stored.
				if (data?.resultData)
					return { id: executionId, status: execution.status, ...data.resultData };
				finishedAt ??= Date.now();
				if (Date.now() - finishedAt > 10_000)
					throw new Error(
						`Execution ${executionId} finished (${execution.status}), but n8n stored no run data within 10 s`,
					);
			}
			await pause(100);
		}
		throw new Error(`Execution ${executionId} did not finish within 120 s`);
	}

	private flatted(): { parse: (text: string) => unknown } {
		return createRequire(join(this.options.n8n.dir, 'node_modules', 'n8n', 'package.json'))(
			'flatted',
		) as { parse: (text: string) => unknown };
	}
}

/** The release tarball, packed once per process (it builds first), in a folder removed at exit. */
let packed: string | undefined;

function releaseTarball(): string {
	if (packed) return packed;
	const packDir = mkdtempSync(join(tmpdir(), 'glean-chat-pack-'));
	process.once('exit', () => rmSync(packDir, { recursive: true, force: true }));
	// The release tarball, as `npm run pack:release` makes it: what users install.
	execFileSync(process.execPath, [join(packageRoot(), 'scripts', 'release.mjs'), 'pack'], {
		cwd: packDir,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const tarball = readdirSync(packDir).find((name) => name.endsWith('.tgz'));
	if (!tarball) throw new Error('npm pack made no tarball');
	return (packed = join(packDir, tarball));
}

/**
 * The release tarball of this repo (what npm would publish), unpacked where n8n looks for
 * community nodes. In queue mode every process (main and each worker) gets it this way.
 */
export function installPackedPackage(userFolder: string): void {
	const tarball = releaseTarball();
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
}

export async function assertPortFree(port: number, what: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = createServer();
		server.once('error', () =>
			reject(
				new Error(
					`Port ${port} on 127.0.0.1 (for ${what}) is in use: stop whatever uses it (another n8n?) and try again.`,
				),
			),
		);
		server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
	});
}

/**
 * n8n's settings for queue mode (docs.n8n.io, hosting/scaling/queue-mode): executions through
 * Redis, everything in PostgreSQL, one encryption key; manual runs go to the workers too, and a
 * worker serves /healthz/readiness on `port`. Info logs, so a worker's log names the executions
 * it ran ("Worker started execution …").
 */
function queueEnv(queue: QueueSettings, port: number): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(queue.redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: queue.postgres.host,
		DB_POSTGRESDB_PORT: String(queue.postgres.port),
		DB_POSTGRESDB_DATABASE: queue.postgres.database,
		DB_POSTGRESDB_USER: queue.postgres.user,
		N8N_ENCRYPTION_KEY: queue.encryptionKey,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_LOG_LEVEL: 'info',
		// A dead worker's jobs are noticed sooner than with n8n's defaults (lock 60 s, renewed
		// every 10 s, stalled jobs looked for every 30 s).
		QUEUE_WORKER_LOCK_DURATION: '10000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		...(queue.role === 'worker'
			? {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				}
			: {}),
	};
}

function pick(env: NodeJS.ProcessEnv, names: string[]): NodeJS.ProcessEnv {
	return Object.fromEntries(
		names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]),
	);
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

async function pause(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `url` answers 2xx (the body is read, so the connection is free again). */
async function answers(url: string): Promise<boolean> {
	const response = await fetch(url);
	await response.arrayBuffer();
	return response.ok;
}
