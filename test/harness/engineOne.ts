/**
 * Set up after the test framework when the tests run in n8n 1.x's engine (N8N_MAJOR=1, see
 * jest.config.js). n8n-core 1.x starts a ref'd one-minute timer the first time a node runs
 * (SSHClientsManager's cleanup; 2.x unrefs it) and clears it only at n8n's shutdown: stop it
 * after each test file, as n8n's shutdown would, so Jest can exit.
 */
import { Container } from '@n8n/di';
import path from 'node:path';

afterAll(() => {
	// The same module n8n-core 1.x loads (its class is not exported from the package's index).
	const core = path.dirname(require.resolve('n8n-core-1/package.json'));
	const { SSHClientsManager } = require(
		path.join(core, 'dist/execution-engine/ssh-clients-manager.js'),
	) as { SSHClientsManager: new () => { onShutdown(): void } };
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
});
