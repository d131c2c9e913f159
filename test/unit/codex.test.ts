import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../harness/paths';

/**
 * Found by the editor check in real n8n (`npm run test:n8n`): n8n's nodes panel leaves a node
 * whose codex puts it in the "AI" category out of a regular workflow's search unless its AI
 * subcategories include "Root Nodes" (`filterOutAiNodes` in the editor's useViewStacks). With
 * only "Agents" and "Miscellaneous", searching "Glean" found nothing. n8n's own OpenAI,
 * Anthropic and Gemini nodes list all three.
 */
test('the codex keeps Glean Chat findable in the nodes panel of any workflow', () => {
	const codex = JSON.parse(
		readFileSync(join(packageRoot(), 'dist', 'nodes', 'GleanChat', 'GleanChat.node.json'), 'utf8'),
	) as {
		categories: string[];
		subcategories?: Record<string, string[]>;
		alias: string[];
	};
	if (codex.categories.includes('AI')) expect(codex.subcategories?.AI).toContain('Root Nodes');
	expect(codex.alias).toContain('Glean');
});
