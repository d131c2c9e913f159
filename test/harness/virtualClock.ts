import { join } from 'node:path';

import type { retryClock as RetryClock } from '../../nodes/GleanChat/transport/retry';
import { seededRandom } from '../emulator/gleanEmulator';
import { PACKAGE_DIR } from './n8nHarness';

/**
 * Lets the node's retries wait in virtual time: the built package's retry clock (the same
 * module instance n8n-core loaded) records each wait and returns at once, and its `now`
 * advances by the time waited. Tests then assert exact waits without sleeping for real. Every
 * Glean user's learned pace is forgotten.
 */
export interface VirtualClock {
	/** Every wait the node asked for, in order, in milliseconds. */
	readonly waits: number[];
	/** Called when a wait starts; return a promise to make the wait last (e.g. a real sleep). */
	onWait?: (millis: number, signal: AbortSignal) => Promise<void> | void;
	restore(): void;
}

export function useVirtualRetryClock({
	seed = 1,
	startAt = Date.UTC(2026, 10, 27, 3, 0, 0),
	random,
}: { seed?: number; startAt?: number; random?: () => number } = {}): VirtualClock {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { retryClock } = require(join(PACKAGE_DIR, 'dist/nodes/GleanChat/transport/retry.js')) as {
		retryClock: typeof RetryClock;
	};
	const original = { ...retryClock };
	// Paces learned in another clock's time would make no sense in this one.
	forgetGleanPaces();
	const randomNumber = random ?? seededRandom(seed);
	let now = startAt;
	const clock: VirtualClock = {
		waits: [],
		restore: () => Object.assign(retryClock, original),
	};
	retryClock.now = () => now;
	retryClock.random = randomNumber;
	retryClock.sleep = async (millis, signal) => {
		clock.waits.push(millis);
		now += millis;
		if (clock.onWait) await clock.onWait(millis, signal);
	};
	return clock;
}

/** Shortens the built package's silence limit (5 minutes) for one test; returns the undo. */
export function useSilenceLimit(millis: number): () => void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { silenceLimit } = require(
		join(PACKAGE_DIR, 'dist/nodes/GleanChat/transport/deadline.js'),
	) as {
		silenceLimit: { millis: number };
	};
	const original = silenceLimit.millis;
	silenceLimit.millis = millis;
	return () => {
		silenceLimit.millis = original;
	};
}

/**
 * Forgets every Glean user's learned pace in the built package (the module instance n8n-core
 * loaded): each test starts from a Glean that has never refused.
 */
export function forgetGleanPaces(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { forgetPaces } = require(join(PACKAGE_DIR, 'dist/nodes/GleanChat/transport/pace.js')) as {
		forgetPaces: () => void;
	};
	forgetPaces();
}
