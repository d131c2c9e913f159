/**
 * Tests run the built package (dist/) inside n8n-core; `npm test` builds first, and globalSetup
 * rebuilds a stale dist/.
 *
 * N8N_MAJOR=1 runs the same tests in n8n 1.x's engine instead (n8n-core 1.122 / n8n-workflow
 * 1.120, installed beside 2.x as the npm aliases n8n-core-1 and n8n-workflow-1): every module,
 * the package's dist/ included, then gets n8n-workflow 1.x, as a community package does inside
 * n8n 1.x, and the harness gets the @n8n/di container n8n-core 1.x registers its services in.
 */
const path = require('node:path');

const engine = process.env.N8N_MAJOR ?? '2';
if (engine !== '1' && engine !== '2') {
	throw new Error(
		`N8N_MAJOR must be 1 or 2 (the n8n line whose engine runs the tests), not "${engine}"`,
	);
}

function engineOneModules() {
	const core = path.dirname(require.resolve('n8n-core-1/package.json'));
	const fromCore = (name) => require.resolve(name, { paths: [core] });
	return {
		'^n8n-core$': require.resolve('n8n-core-1'),
		'^n8n-workflow$': require.resolve('n8n-workflow-1'),
		'^@n8n/di$': fromCore('@n8n/di'),
		'^@n8n/backend-common$': fromCore('@n8n/backend-common'),
	};
}

module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
	},
	moduleNameMapper: engine === '1' ? engineOneModules() : {},
	setupFiles: ['<rootDir>/test/harness/env.ts'],
	setupFilesAfterEnv: engine === '1' ? ['<rootDir>/test/harness/engineOne.ts'] : [],
	// Rebuilds dist/ when a source changed since the last build, so no test runs an old build.
	globalSetup: '<rootDir>/test/harness/globalSetup.ts',
	testTimeout: 30000,
};
