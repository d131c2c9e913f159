/**
 * The order items run in: up to `concurrency` at a time, outputs kept in input order, and items
 * that share a key (Send Message's Session Key) one after another in input order. Knows nothing
 * of what an item does.
 */

interface Failure {
	itemIndex: number;
	error: unknown;
}

/**
 * Runs `run` for items 0 … count−1 and returns their outputs in input order. Up to `concurrency`
 * items run at a time; an item whose key (`keyOf`, undefined for none) belongs to an item still
 * running waits for it, without holding one of the places, so items of other keys go ahead. Each
 * item is started by a synchronous call of `run`. After a failure no new item starts; the ones
 * under way finish, then the earliest item's failure is thrown.
 */
export async function runItems<T>(
	count: number,
	concurrency: number,
	keyOf: (itemIndex: number) => string | undefined,
	run: (itemIndex: number) => Promise<T>,
): Promise<T[]> {
	const outputs: T[] = new Array(count);
	const keys = Array.from({ length: count }, (_, itemIndex) => keyOf(itemIndex));
	const waiting = Array.from({ length: count }, (_, itemIndex) => itemIndex);
	const busy = new Set<string>();
	let running = 0;
	let failure: Failure | undefined;

	// The first waiting item whose key is free: the earliest of its key, since `waiting` is in input order.
	const takeNext = (): number | undefined => {
		const at = waiting.findIndex(
			(itemIndex) => keys[itemIndex] === undefined || !busy.has(keys[itemIndex]!),
		);
		return at === -1 ? undefined : waiting.splice(at, 1)[0];
	};

	await new Promise<void>((allDone) => {
		const startMore = () => {
			while (failure === undefined && running < concurrency) {
				const itemIndex = takeNext();
				if (itemIndex === undefined) break;
				const key = keys[itemIndex];
				if (key !== undefined) busy.add(key);
				running++;
				run(itemIndex)
					.then(
						(output) => (outputs[itemIndex] = output),
						(error: unknown) => {
							if (failure === undefined || itemIndex < failure.itemIndex)
								failure = { itemIndex, error };
						},
					)
					.finally(() => {
						running--;
						if (key !== undefined) busy.delete(key);
						startMore();
					});
			}
			if (running === 0) allDone();
		};
		startMore();
	});
	if (failure !== undefined) throw failure.error;
	return outputs;
}
