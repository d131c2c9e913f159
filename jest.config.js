/** Tests run the built package (dist/) inside n8n-core; `npm test` builds first, and globalSetup rebuilds a stale dist/. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
	},
	setupFiles: ['<rootDir>/test/harness/env.ts'],
	// Rebuilds dist/ when a source changed since the last build, so no test runs an old build.
	globalSetup: '<rootDir>/test/harness/globalSetup.ts',
	testTimeout: 30000,
};
