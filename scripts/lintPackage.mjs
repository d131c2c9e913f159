// `npm run lint:package`: lints what npm would publish, the way n8n's verification scans a
// community package: the release tarball (scripts/release.mjs), unpacked, then n8n's
// community-node rules over the built JavaScript in dist/ and over package.json. Fails on any
// error, on a tarball without a file its "n8n" section names, on a private package.json, and
// on files no user needs (tests, benchmarks, build info, source maps of sources not shipped).
//
//   npm run lint:package                         the tarball `npm run pack:release` makes
//   node scripts/lintPackage.mjs --tarball F     an existing tarball
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

import { builtFiles, packRelease } from './release.mjs';

const workDir = mkdtempSync(join(tmpdir(), 'glean-chat-pack-'));
try {
	const given = process.argv.indexOf('--tarball');
	const tarball = given >= 0 ? process.argv[given + 1] : packRelease(workDir);
	execFileSync('tar', ['-xzf', tarball, '-C', workDir]);
	const packageDir = join(workDir, 'package');
	const files = execFileSync('tar', ['-tzf', tarball])
		.toString()
		.trim()
		.split('\n')
		.map((file) => file.replace(/^package\//, ''));
	console.log(`${tarball.split('/').pop()}: ${files.length} files`);
	const problems = [];

	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	const missing = builtFiles(manifest).filter((file) => !files.includes(file));
	if (builtFiles(manifest).length === 0)
		problems.push('package.json names no node or credential in its "n8n" section');
	if (missing.length > 0)
		problems.push(
			`the package lacks what its "n8n" section names, so n8n could not load it: ${missing.join(', ')}`,
		);
	if (manifest.private === true)
		problems.push(
			'package.json is private: npm would refuse to publish it (make the tarball with npm run pack:release)',
		);
	if (missing.length === 0) problems.push(...loadProblems(packageDir, builtFiles(manifest)));
	const unneeded = files.filter(
		(file) =>
			/(^|\/)(test|bench|\.build)\//.test(file) ||
			/\.tsbuildinfo$|\.built-from-sources$|\.map$/.test(file),
	);
	if (unneeded.length > 0)
		problems.push(
			`the package contains files no user needs: ${unneeded.slice(0, 5).join(', ')}${unneeded.length > 5 ? ', …' : ''}`,
		);

	const recommended = n8nCommunityNodesPlugin.configs.recommended;
	const eslint = new ESLint({
		cwd: packageDir,
		overrideConfigFile: true,
		overrideConfig: [
			{
				files: ['dist/**/*.js'],
				...recommended,
				languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },
			},
			{
				files: ['package.json'],
				...recommended,
				languageOptions: {
					parser: tseslint.parser,
					parserOptions: { extraFileExtensions: ['.json'] },
				},
			},
		],
	});
	const results = await eslint.lintFiles(
		files.some((file) => file.startsWith('dist/'))
			? ['dist/**/*.js', 'package.json']
			: ['package.json'],
	);
	const formatter = await eslint.loadFormatter('stylish');
	const output = await formatter.format(results);
	if (output) console.log(output);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	console.log(`${results.length} files linted, ${errors} errors`);
	for (const problem of problems) console.error(problem);
	if (errors > 0 || problems.length > 0) process.exitCode = 1;
} finally {
	rmSync(workDir, { recursive: true, force: true });
}

/**
 * Loads each node and credential from the unpacked package, as n8n does (require, then new), in
 * a separate process that finds n8n-workflow in this repository: a file missing from the
 * package, or one that cannot run, shows here rather than when n8n loads it.
 */
function loadProblems(packageDir, files) {
	const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
	const script = `for (const file of process.argv.slice(1)) {
		const exported = Object.values(require(file)).find((value) => typeof value === 'function');
		if (!exported) throw new Error(file + ' exports no class');
		const made = new exported();
		if (!(made.description?.name ?? made.name)) throw new Error(file + ' has no name');
	}`;
	const result = spawnSync(
		process.execPath,
		['-e', script, ...files.map((file) => join(packageDir, file))],
		{
			env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
			encoding: 'utf8',
		},
	);
	return result.status === 0
		? []
		: [
				`n8n could not load the package: ${
					(result.stderr || '')
						.trim()
						.split('\n')
						.find((line) => /Error/.test(line)) ?? result.stderr
				}`,
			];
}
