/**
 * The order items run in: up to `concurrency` at a time, outputs kept in input order, and items
 * that share a key (Send Message's Session Key) one after another in input order. Knows nothing
 * of what an item does.
 */

import type { ItemPlace } from '../transport';

interface Failure {
	itemIndex: number;
	error: unknown;
}

/**
 * Runs `run` for items 0 … count−1 and returns their outputs in input order. Up to `concurrency`
 * items run at a time, the earliest startable item first; an item whose key (`keyOf`, undefined
 * for none) belongs to an item still running waits for it, without holding one of the places, so
 * items of other keys go ahead. An item may lend its place while it waits (`ItemPlace`), so at
 * most 2 × `concurrency` items are under way, `concurrency` of them not waiting. After a failure
 * no new item starts; the ones under way finish, then the earliest item's failure is thrown. Each
 * start costs O(log count).
 */
export async function runItems<T>(
	count: number,
	concurrency: number,
	keyOf: (itemIndex: number) => string | undefined,
	run: (itemIndex: number, place: ItemPlace) => Promise<T>,
): Promise<T[]> {
	const outputs: T[] = new Array(count);
	const { keys, startable, queued } = plan(count, keyOf);
	let running = 0;
	const lent = new Set<number>();
	const takingBack: Array<() => void> = [];
	let failure: Failure | undefined;
	await new Promise<void>((allDone) => {
		const finished = (itemIndex: number) => {
			if (!lent.delete(itemIndex)) running--;
			// The next item of the same key may start now.
			const next =
				keys[itemIndex] === undefined ? undefined : queued.get(keys[itemIndex]!)?.shift();
			if (next !== undefined) startable.push(next);
			startMore();
		};
		const placeOf = (itemIndex: number): ItemPlace => ({
			lend: () => {
				if (lent.has(itemIndex) || lent.size >= concurrency) return false;
				lent.add(itemIndex);
				running--;
				startMore();
				return true;
			},
			takeBack: async () =>
				await new Promise<void>((resolve) => {
					takingBack.push(() => {
						lent.delete(itemIndex);
						resolve();
					});
					startMore();
				}),
		});
		const startMore = () => {
			// Items taking their place back go first: they are under way.
			while (running < concurrency && takingBack.length > 0) {
				running++;
				takingBack.shift()!();
			}
			while (failure === undefined && running < concurrency && startable.size > 0) {
				const itemIndex = startable.pop();
				running++;
				started(run, itemIndex, placeOf(itemIndex)).then(
					(output) => {
						outputs[itemIndex] = output;
						finished(itemIndex);
					},
					(error: unknown) => {
						if (failure === undefined || itemIndex < failure.itemIndex)
							failure = { itemIndex, error };
						finished(itemIndex);
					},
				);
			}
			if (running === 0 && lent.size === 0) allDone();
		};
		startMore();
	});
	if (failure !== undefined) throw (failure as Failure).error;
	return outputs;
}

/**
 * Which items may start at once (every item without a key, and the first of each key; earliest
 * first) and which wait for the one before them under their key, in input order.
 */
function plan(count: number, keyOf: (itemIndex: number) => string | undefined) {
	const startable = new MinHeap();
	const queued = new Map<string, number[]>();
	const keys: Array<string | undefined> = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const key = keyOf(itemIndex);
		keys.push(key);
		const later = key === undefined ? undefined : queued.get(key);
		if (later) later.push(itemIndex);
		else {
			if (key !== undefined) queued.set(key, []);
			startable.push(itemIndex);
		}
	}
	return { keys, startable, queued };
}

/** `run(itemIndex, place)` started now; a synchronous throw becomes its rejection. */
function started<T>(
	run: (itemIndex: number, place: ItemPlace) => Promise<T>,
	itemIndex: number,
	place: ItemPlace,
): Promise<T> {
	try {
		return run(itemIndex, place);
	} catch (error) {
		return Promise.reject(error);
	}
}

/** A binary min-heap of item indices. */
class MinHeap {
	private readonly items: number[] = [];

	get size(): number {
		return this.items.length;
	}

	push(value: number): void {
		const items = this.items;
		items.push(value);
		for (let at = items.length - 1; at > 0;) {
			const parent = (at - 1) >> 1;
			if (items[parent] <= items[at]) break;
			[items[parent], items[at]] = [items[at], items[parent]];
			at = parent;
		}
	}

	pop(): number {
		const items = this.items;
		const top = items[0];
		const last = items.pop()!;
		if (items.length > 0) {
			items[0] = last;
			for (let at = 0; ;) {
				const left = 2 * at + 1;
				const smaller = left + 1 < items.length && items[left + 1] < items[left] ? left + 1 : left;
				if (left >= items.length || items[at] <= items[smaller]) break;
				[items[at], items[smaller]] = [items[smaller], items[at]];
				at = smaller;
			}
		}
		return top;
	}
}
