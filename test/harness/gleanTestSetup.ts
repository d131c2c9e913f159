import { GleanEmulator } from '../emulator/gleanEmulator';
import type { VirtualClock } from './virtualClock';
import { forgetGleanPaces, useVirtualRetryClock } from './virtualClock';

/**
 * The usual life of a test file: one emulator accepting `token` for the whole file, reset
 * before each test, and, after each, the check that every request was valid against Glean's
 * spec. With `virtualClock`, retries wait in virtual time (see virtualClock.ts).
 */
export interface GleanTestContext {
	readonly glean: GleanEmulator;
	/** The virtual retry clock of the running test (only with `virtualClock`). */
	readonly clock: VirtualClock;
	readonly credentials: () => { baseUrl: string; apiToken: string };
}

export function gleanTestSetup(
	token: string,
	{ virtualClock = false, seed = 1 } = {},
): GleanTestContext {
	let glean: GleanEmulator | undefined;
	let clock: VirtualClock | undefined;
	beforeAll(async () => {
		glean = await GleanEmulator.start({ token });
	});
	afterAll(async () => await glean?.stop());
	beforeEach(() => {
		glean!.reset();
		forgetGleanPaces();
		if (virtualClock) clock = useVirtualRetryClock({ seed });
	});
	afterEach(() => {
		clock?.restore();
		expect(glean!.violations).toEqual([]);
	});
	return {
		get glean() {
			return glean!;
		},
		get clock() {
			if (!clock) throw new Error('gleanTestSetup was called without virtualClock');
			return clock;
		},
		credentials: () => ({ baseUrl: glean!.baseUrl, apiToken: token }),
	};
}
