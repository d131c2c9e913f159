import type { ItemPlace } from './types';

/**
 * The places of the items of one node run, for the transport to lend while an item waits to try
 * again (send.ts). Keyed by the run's execution context, so nothing outlives the run.
 */
const places = new WeakMap<object, (itemIndex: number) => ItemPlace | undefined>();

/** While `run` runs, `itemPlace(context, i)` gives item i's place; runs without places lend none. */
export async function withItemPlaces<T>(
	context: object,
	placeOf: (itemIndex: number) => ItemPlace | undefined,
	run: () => Promise<T>,
): Promise<T> {
	places.set(context, placeOf);
	try {
		return await run();
	} finally {
		places.delete(context);
	}
}

/** Item `itemIndex`'s place in the node run of `context`, if it may lend it. */
export function itemPlace(context: object, itemIndex: number): ItemPlace | undefined {
	return places.get(context)?.(itemIndex);
}
