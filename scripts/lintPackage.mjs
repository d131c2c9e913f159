// `npm run lint:package`: lints what npm would publish, the way n8n's verification scans a
// community package: `npm pack`, unpack, then n8n's community-node rules over the built
// JavaScript in dist/ and over package.json. Fails on any error.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const workDir = mkdtempSync(join(tmpdir(), 'glean-chat-pack-'));
try {
	execFileSync('npm', ['pack', '--pack-destination', workDir, '--ignore-scripts'], { stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(workDir).find((name) => name.endsWith('.tgz'));
	execFileSync('tar', ['-xzf', join(workDir, tarball), '-C', workDir]);
	const packageDir = join(workDir, 'package');
	const files = execFileSync('tar', ['-tzf', join(workDir, tarball)]).toString().trim().split('\n');
	console.log(`${tarball}: ${files.length} files`);

	const recommended = n8nCommunityNodesPlugin.configs.recommended;
	const eslint = new ESLint({
		cwd: packageDir,
		overrideConfigFile: true,
		overrideConfig: [
			{ files: ['dist/**/*.js'], ...recommended, languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 } },
			{
				files: ['package.json'],
				...recommended,
				languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
			},
		],
	});
	const results = await eslint.lintFiles(['dist/**/*.js', 'package.json']);
	const formatter = await eslint.loadFormatter('stylish');
	const output = await formatter.format(results);
	if (output) console.log(output);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	console.log(`${results.length} files linted, ${errors} errors`);
	if (files.some((file) => /(^|\/)(test|bench|\.build)\//.test(file))) {
		console.error('The package contains test or benchmark files');
		process.exitCode = 1;
	}
	if (errors > 0) process.exitCode = 1;
} finally {
	rmSync(workDir, { recursive: true, force: true });
}
