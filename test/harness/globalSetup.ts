import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from './paths';

/**
 * Tests load the built package (dist/), as n8n does. So that `npx jest some.test.ts` after an
 * edit never tests the old build, dist/ is rebuilt first when any source of the node or the
 * credential is newer than the last build (the marker `npm run build` leaves; see gulpfile.js).
 */
const SOURCES = ['nodes', 'credentials'];
const MARKER = join('dist', '.built-from-sources');

export default function globalSetup(): void {
	const root = packageRoot();
	const marker = join(root, MARKER);
	const builtAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
	const changed = SOURCES.flatMap((folder) => newerFiles(join(root, folder), builtAt));
	if (builtAt > 0 && changed.length === 0) return;
	const why =
		builtAt === 0
			? 'no build marker'
			: `${changed.length} source file(s) changed since, e.g. ${changed[0].slice(root.length + 1)}`;
	process.stdout.write(`\nRebuilding dist/ before the tests (${why}) …\n`);
	execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

function newerFiles(folder: string, than: number): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(folder, { withFileTypes: true })) {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) found.push(...newerFiles(path, than));
		else if (statSync(path).mtimeMs > than) found.push(path);
	}
	return found;
}
