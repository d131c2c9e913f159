// `npm run pack:release` and `npm run release`: the only ways to make this package's tarball or
// publish it. The project's .npmrc sets ignore-scripts=true (n8n-workflow pulls in isolated-vm,
// which cannot build on Node 20), so npm never runs `prepack` or `prepublishOnly`: a plain
// `npm publish` would ship no code. package.json is therefore `"private": true`, which makes
// npm refuse a plain `npm publish` (EPRIVATE); these scripts build, check that every file the
// "n8n" section names was built, and pack or publish a copy without `private`.
//
//   npm run pack:release                     → n8n-nodes-glean-chat-<version>.tgz here
//   npm run release -- --provenance --access public   (CI, on a version tag)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The files package.json's "n8n" section tells n8n to load: a package without them is broken. */
export function builtFiles(manifest) {
	return [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
}

/**
 * Builds, then copies what the package ships into a new folder with a package.json that is not
 * private. Returns the folder; the caller removes it.
 * @throws when a file the "n8n" section names was not built.
 */
export function stageRelease() {
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
	const missing = builtFiles(manifest).filter((file) => !existsSync(join(ROOT, file)));
	if (missing.length > 0) throw new Error(`The build did not make ${missing.join(', ')}: nothing was packed.`);
	const stage = mkdtempSync(join(tmpdir(), 'glean-chat-release-'));
	const { private: _private, ...published } = manifest;
	writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
	for (const entry of ['dist', 'index.js', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
		if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
	}
	return stage;
}

/** Packs the staged package into `destination`; returns the tarball's path. */
export function packRelease(destination) {
	const stage = stageRelease();
	try {
		execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', destination], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
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
		const stage = stageRelease();
		try {
			execFileSync('npm', ['publish', '--ignore-scripts', ...npmArgs], { cwd: stage, stdio: 'inherit' });
		} finally {
			rmSync(stage, { recursive: true, force: true });
		}
	} else {
		console.error('usage: node scripts/release.mjs pack | publish [npm publish options]');
		process.exitCode = 2;
	}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
