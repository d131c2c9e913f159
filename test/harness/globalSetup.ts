import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from './paths';

/**
 * Tests load the built package (dist/), as n8n does. So that `npx jest some.test.ts` after an
 * edit never tests an old build, dist/ is built again, from scratch, when the marker `npm run
 * build` leaves (gulpfile.js) is missing, names other inputs than there are now (a file added or
 * deleted), or is older than one of them (an edit, also one saved while that build ran). A build
 * that fails shows its errors.
 */
const INPUTS = ['nodes', 'credentials', 'tsconfig.json', 'gulpfile.js'];

export default function globalSetup(): void {
	const root = packageRoot();
	const why = staleness(root);
	if (why === undefined) return;
	process.stdout.write(`\nRebuilding dist/ before the tests (${why}) …\n`);
	// From scratch: the incremental build keeps its state in dist/ and would not replace a deleted output.
	rmSync(join(root, 'dist'), { recursive: true, force: true });
	try {
		execFileSync('npm', ['run', 'build', '--silent'], {
			cwd: root,
			stdio: 'inherit',
			shell: process.platform === 'win32',
		});
	} catch {
		throw new Error(
			'The build failed (its errors are above): fix them, or run npm run build to see them again.',
		);
	}
}

function staleness(root: string): string | undefined {
	const markerFile = join(root, 'dist', '.built-from-sources');
	if (!existsSync(markerFile)) return 'no build marker';
	let marker: { startedAt?: number; inputs?: string[] };
	try {
		marker = JSON.parse(readFileSync(markerFile, 'utf8')) as typeof marker;
	} catch {
		return 'an unreadable build marker';
	}
	const inputs = INPUTS.flatMap((entry) => files(root, entry)).sort();
	if (JSON.stringify(inputs) !== JSON.stringify(marker.inputs))
		return 'source files were added or deleted';
	// From the start of the second the build started in: some file systems keep whole seconds.
	const since = Math.floor((marker.startedAt ?? 0) / 1000) * 1000;
	const changed = inputs.find((file) => statSync(join(root, file)).mtimeMs >= since);
	return changed === undefined ? undefined : `${changed} changed since`;
}

/** The files under `entry` (relative to `root`), sorted, as gulpfile.js lists them. */
function files(root: string, entry: string): string[] {
	if (!statSync(join(root, entry)).isDirectory()) return [entry];
	return readdirSync(join(root, entry))
		.filter((name) => !name.startsWith('.'))
		.flatMap((name) => files(root, join(entry, name)))
		.sort();
}
