// `npm run pack:release` and `npm run release`: the ways to make this package's tarball and to
// publish it. The project's .npmrc sets ignore-scripts=true (installing needs it: isolated-vm
// cannot build on Node 20, and eslint-plugin-n8n-nodes-base's preinstall insists on pnpm), so npm
// never runs `prepack` or `prepublishOnly`: a plain `npm publish` would ship no code. package.json
// is therefore `"private": true`, which makes npm refuse a plain `npm publish` (EPRIVATE), and a
// plain `npm pack` makes a private tarball npm will not publish either. These scripts build from
// scratch, check the build, and pack (or lint, then publish) a copy without `private`.
//
//   npm run pack:release                     → n8n-nodes-glean-chat-<version>.tgz here
//   npm run release -- --provenance --access public   (CI, on a version tag)
import { execFileSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
// npm is a .cmd script on Windows, which execFile runs only through a shell.
const SHELL = process.platform === 'win32';

export function npm(args, options = {}) {
	return execFileSync('npm', args, { shell: SHELL, ...options });
}

/** The files package.json's "n8n" section tells n8n to load: a package without them is broken. */
export function builtFiles(manifest) {
	return [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
}

/**
 * Compiles the sources from scratch into a new folder (never the working dist/, whose
 * incremental build could keep a deleted or edited file as it is, and which tests may be
 * reading), with the icons, the README, the license, the changelog, the docs and a package.json
 * that is not private. Returns the folder; the caller removes it.
 * @throws when a file the "n8n" section names was not built.
 */
export function stageRelease() {
	const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
	const stage = mkdtempSync(join(tmpdir(), 'glean-chat-release-'));
	const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	const compile = [
		'-p',
		join(ROOT, 'tsconfig.json'),
		'--outDir',
		join(stage, 'dist'),
		'--incremental',
		'false',
		'--declaration',
		'false',
		'--sourceMap',
		'false',
	];
	execFileSync(process.execPath, [tsc, ...compile], {
		cwd: ROOT,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	for (const folder of ['nodes', 'credentials']) {
		cpSync(join(ROOT, folder), join(stage, 'dist', folder), {
			recursive: true,
			filter: (source) => !/\.(ts|json)$/.test(source) || /\.node\.json$/.test(source),
		});
	}
	const missing = builtFiles(manifest).filter((file) => !existsSync(join(stage, file)));
	if (missing.length > 0)
		throw new Error(`The build did not make ${missing.join(', ')}: nothing was packed.`);
	const { private: _private, ...published } = manifest;
	writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
	for (const entry of ['index.js', 'README.md', 'LICENSE', 'CHANGELOG.md', 'docs']) {
		if (existsSync(join(ROOT, entry)))
			cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
	}
	return stage;
}

/** Packs the staged package into `destination`; returns the tarball's path. */
export function packRelease(destination) {
	const stage = stageRelease();
	try {
		npm(['pack', '--ignore-scripts', '--pack-destination', destination], {
			cwd: stage,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
		return join(destination, tarball);
	} finally {
		rmSync(stage, { recursive: true, force: true });
	}
}

async function main() {
	const [command, ...npmArgs] = process.argv.slice(2);
	if (command === 'pack') {
		const scratch = mkdtempSync(join(tmpdir(), 'glean-chat-pack-'));
		try {
			const tarball = packRelease(scratch);
			const name = tarball.split('/').pop();
			cpSync(tarball, join(process.cwd(), name));
			console.log(name);
		} finally {
			rmSync(scratch, { recursive: true, force: true });
		}
	} else if (command === 'publish') {
		// What is published is exactly the tarball that passed the lint n8n's verification runs.
		const scratch = mkdtempSync(join(tmpdir(), 'glean-chat-publish-'));
		try {
			npm(['run', 'lint'], { cwd: ROOT, stdio: 'inherit' });
			const tarball = packRelease(scratch);
			execFileSync(
				process.execPath,
				[join(ROOT, 'scripts', 'lintPackage.mjs'), '--tarball', tarball],
				{ cwd: ROOT, stdio: 'inherit' },
			);
			npm(['publish', tarball, '--ignore-scripts', ...npmArgs], { cwd: ROOT, stdio: 'inherit' });
		} finally {
			rmSync(scratch, { recursive: true, force: true });
		}
	} else {
		console.error('usage: node scripts/release.mjs pack | publish [npm publish options]');
		process.exitCode = 2;
	}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
