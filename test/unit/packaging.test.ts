import { execFileSync, spawnSync } from 'node:child_process';
import {
	copyFileSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../harness/paths';

/**
 * The project's .npmrc sets ignore-scripts=true, so npm never runs `prepack` or `prepublishOnly`:
 * a plain `npm publish` of a fresh clone would ship no code. The package is private to npm, and
 * only scripts/release.mjs (build, check, then pack or publish a copy) makes a tarball to ship;
 * `npm run lint:package` refuses a tarball without the files its "n8n" section names.
 */

const ROOT = packageRoot();
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	private?: boolean;
	scripts: Record<string, string>;
	files: string[];
	n8n: { nodes: string[]; credentials: string[] };
	engines: { node: string };
	peerDependencies: Record<string, string>;
	devDependencies: Record<string, string>;
	bugs?: { url?: string };
	author?: unknown;
	repository?: unknown;
	homepage?: string;
};

let scratch: string;
beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'glean-chat-packaging-'))));
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

test('npm refuses a plain `npm publish` (private) before uploading anything', () => {
	expect(manifest.private).toBe(true);
	copyFileSync(join(ROOT, 'package.json'), join(scratch, 'package.json'));
	// A registry on a closed loopback port (npm asks it about the package first, once), and a
	// token, so only the package itself can stop the publish.
	const registry = [
		'--registry',
		'http://127.0.0.1:9/',
		'--//127.0.0.1:9/:_authToken=not-used',
		'--fetch-retries=0',
	];
	const result = spawnSync('npm', ['publish', ...registry], { cwd: scratch, encoding: 'utf8' });
	expect(result.status).not.toBe(0);
	expect(result.stderr).toContain('EPRIVATE');
});

test('no lifecycle script is left that npm would skip here', () => {
	for (const skipped of ['prepublishOnly', 'prepack', 'prepare', 'postpack'])
		expect(manifest.scripts[skipped]).toBeUndefined();
	expect(manifest.scripts['pack:release']).toBe('node scripts/release.mjs pack');
	expect(manifest.scripts.release).toBe('node scripts/release.mjs publish');
});

test('`npm run lint:package` fails on a tarball without the built node and credential', () => {
	// What `npm pack` gave on a fresh clone: package.json, README, index.js and no dist/.
	const { private: _private, ...published } = manifest;
	const packageDir = join(scratch, 'unbuilt');
	execFileSync('mkdir', ['-p', packageDir]);
	writeFileSync(join(packageDir, 'package.json'), JSON.stringify(published));
	copyFileSync(join(ROOT, 'index.js'), join(packageDir, 'index.js'));
	copyFileSync(join(ROOT, 'README.md'), join(packageDir, 'README.md'));
	execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch], {
		cwd: packageDir,
		stdio: 'ignore',
	});
	const tarball = join(
		scratch,
		readdirSync(scratch).find((name) => name.endsWith('.tgz'))!,
	);
	const result = spawnSync(
		process.execPath,
		[join(ROOT, 'scripts', 'lintPackage.mjs'), '--tarball', tarball],
		{ cwd: ROOT, encoding: 'utf8' },
	);
	expect(result.status).toBe(1);
	expect(result.stderr).toContain(
		`the package lacks what its "n8n" section names, so n8n could not load it: ${[...manifest.n8n.nodes, ...manifest.n8n.credentials].join(', ')}`,
	);
});

test('package.json says what the package needs and where to report', () => {
	expect(manifest.engines.node).toBe('>=20.15');
	expect(manifest.bugs?.url).toMatch(/^https:\/\/github\.com\/.+\/issues$/);
	for (const field of ['author', 'repository', 'homepage'] as const)
		expect(manifest[field]).toBeDefined();
});

test('the n8n the package claims: any (n8n\'s verification asks for "*"), proven from the oldest one the tests run', () => {
	// n8n's scanner (@n8n/community-nodes/valid-peer-dependencies) refuses any other peer range,
	// so the README's compatibility table says which n8n is proven: the engines the tests run.
	expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	const oldest = /^npm:n8n-workflow@(\d+\.\d+\.\d+)$/.exec(
		manifest.devDependencies['n8n-workflow-1'],
	)?.[1];
	const core = /^npm:n8n-core@(\d+\.\d+\.\d+)$/.exec(manifest.devDependencies['n8n-core-1'])?.[1];
	const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
	const table = readme.slice(readme.indexOf('### Compatibility'));
	expect(table).toContain(`| 1.123 (engine) | ${core} / ${oldest} |`);
	expect(table).toContain(
		`| 2.41 (engine) | ${manifest.devDependencies['n8n-core']} / ${manifest.devDependencies['n8n-workflow']} |`,
	);
});

describe('the release tarball (npm run pack:release)', () => {
	let tarball: string;
	let files: string[];
	beforeAll(() => {
		const out = mkdtempSync(join(tmpdir(), 'glean-chat-release-test-'));
		execFileSync(process.execPath, [join(ROOT, 'scripts', 'release.mjs'), 'pack'], {
			cwd: out,
			stdio: 'ignore',
		});
		tarball = join(
			out,
			readdirSync(out).find((name) => name.endsWith('.tgz'))!,
		);
		files = execFileSync('tar', ['-tzf', tarball])
			.toString()
			.trim()
			.split('\n')
			.map((file) => file.replace(/^package\//, ''));
	}, 120_000);

	test('holds what the n8n section names, is not private, and nothing no user needs', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				...manifest.n8n.nodes,
				...manifest.n8n.credentials,
				'package.json',
				'README.md',
				'LICENSE',
				'CHANGELOG.md',
			]),
		);
		expect(
			files.filter((file) =>
				/\.tsbuildinfo$|\.map$|\.d\.ts$|\.built-from-sources$|^(test|bench|scripts|\.build)\//.test(
					file,
				),
			),
		).toEqual([]);
		const published = JSON.parse(
			execFileSync('tar', ['-xzOf', tarball, 'package/package.json']).toString(),
		) as { private?: boolean };
		expect(published.private).toBeUndefined();
	});

	test('`npm run lint:package` passes it, and refuses it with a compiled file missing (n8n could not load it)', () => {
		expect(
			spawnSync(
				process.execPath,
				[join(ROOT, 'scripts', 'lintPackage.mjs'), '--tarball', tarball],
				{ cwd: ROOT },
			).status,
		).toBe(0);
		// The same package without one of the node's modules.
		const unpacked = join(scratch, 'broken');
		execFileSync('mkdir', ['-p', unpacked]);
		execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
		rmSync(join(unpacked, 'package', 'dist', 'nodes', 'GleanChat', 'transport', 'retry.js'));
		const broken = join(scratch, 'broken.tgz');
		execFileSync('tar', ['-czf', broken, '-C', unpacked, 'package']);
		const result = spawnSync(
			process.execPath,
			[join(ROOT, 'scripts', 'lintPackage.mjs'), '--tarball', broken],
			{ cwd: ROOT, encoding: 'utf8' },
		);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(
			/n8n could not load the package: .*Cannot find module '\.\/retry'/,
		);
	});
});
