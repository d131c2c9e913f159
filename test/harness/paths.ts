import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The package's root folder, found from wherever this file was compiled to. */
export function packageRoot(): string {
	let dir = __dirname;
	for (;;) {
		const manifest = path.join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ===
				'n8n-nodes-glean-chat'
		) {
			return dir;
		}
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error('Could not find the n8n-nodes-glean-chat package root');
		dir = parent;
	}
}
