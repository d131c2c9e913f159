import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './n8nInstance';

/**
 * The services n8n's queue mode needs, from Debian's packages, started by this process and
 * stopped by it: Redis (`redis-server`) and PostgreSQL (`initdb`, `pg_ctl`) with their data in a
 * fresh temporary folder, on free loopback ports. No system service is used or left running.
 * PostgreSQL refuses to run as root: as root, it runs as Debian's `postgres` user.
 */

export interface QueueServices {
	redisPort: number;
	postgres: { host: string; port: number; database: string; user: string };
	stop(): Promise<void>;
}

const DATABASE = 'n8n';
const DB_USER = 'n8n';

/** The Debian packages needed (.ci/run installs them when missing). */
export const DEBIAN_PACKAGES = 'redis-server postgresql';

export async function startQueueServices(log: (line: string) => void): Promise<QueueServices> {
	const pgBin = postgresBinDir();
	if (!existsSync('/usr/bin/redis-server') || !pgBin) {
		throw new Error(
			`Queue mode needs Redis and PostgreSQL from Debian: apt-get install -y ${DEBIAN_PACKAGES} (.ci/run does).`,
		);
	}
	const folder = mkdtempSync(join(tmpdir(), 'glean-chat-queue-'));
	const asRoot = process.getuid?.() === 0;
	// The postgres user must reach its data folder.
	if (asRoot) chmodSync(folder, 0o777);
	const stops: Array<() => Promise<void>> = [];
	const stop = async () => {
		for (const step of stops.reverse()) await step().catch(() => undefined);
		rmSync(folder, { recursive: true, force: true });
	};
	try {
		const redisPort = await freePort();
		const redis = spawn(
			'/usr/bin/redis-server',
			[
				'--port',
				String(redisPort),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				folder,
			],
			{ stdio: 'ignore' },
		);
		stops.push(async () => await ended(redis));
		const killRedis = () => redis.kill('SIGKILL');
		process.once('exit', killRedis);
		stops.push(async () => void process.off('exit', killRedis));

		const port = await freePort();
		const data = join(folder, 'postgres');
		const run = (command: string, args: string[]) =>
			execFileSync(
				asRoot ? 'runuser' : join(pgBin, command),
				asRoot ? ['-u', 'postgres', '--', join(pgBin, command), ...args] : args,
				{ stdio: 'pipe', cwd: folder },
			);
		run('initdb', ['-D', data, '-U', DB_USER, '--auth=trust', '--no-sync', '-E', 'UTF8']);
		run('pg_ctl', [
			'-D',
			data,
			'-l',
			join(folder, 'postgres.log'),
			'-o',
			`-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
			'-w',
			'start',
		]);
		const stopPostgres = () => {
			try {
				if (existsSync(join(data, 'postmaster.pid')))
					run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} catch {
				// The other exit handlers (those that stop n8n) must still run.
			}
		};
		// Also when this process ends before stop() (an error, Ctrl-C): pg_ctl runs it detached.
		process.once('exit', stopPostgres);
		stops.push(async () => {
			process.off('exit', stopPostgres);
			run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
		});
		run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', DB_USER, DATABASE]);
		await waitForRedis(redisPort);
		log(`Redis on 127.0.0.1:${redisPort}, PostgreSQL on 127.0.0.1:${port} (data in ${folder})`);
		return {
			redisPort,
			postgres: { host: '127.0.0.1', port, database: DATABASE, user: DB_USER },
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Debian's newest PostgreSQL, e.g. /usr/lib/postgresql/15/bin. */
function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] && join(root, versions[0], 'bin');
}

async function waitForRedis(port: number): Promise<void> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		try {
			execFileSync('/usr/bin/redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
}

/** Stops a child with SIGTERM (SIGKILL after 10 s) and resolves once it has exited. */
async function ended(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}
