import { runItems } from '../../nodes/GleanChat/actions/itemPool';

/** The order items run in (the router's pool), without n8n: the rules, and that it stays fast. */

/** Runs `count` items whose "work" ends when the test says so, recording starts. */
function controlled(count: number) {
	const starts: number[] = [];
	const finishers = new Map<number, (value: number) => void>();
	const failers = new Map<number, (error: Error) => void>();
	const run = async (itemIndex: number) =>
		await new Promise<number>((resolve, reject) => {
			starts.push(itemIndex);
			finishers.set(itemIndex, resolve);
			failers.set(itemIndex, reject);
		});
	const settle = async () => await new Promise((resolve) => setImmediate(resolve));
	return {
		starts,
		run,
		finish: (i: number) => finishers.get(i)!(i * 10),
		fail: (i: number, error: Error) => failers.get(i)!(error),
		settle,
		count,
	};
}

test('outputs in input order; items of one key one at a time, in order; others go ahead', async () => {
	const items = controlled(5);
	const keys = ['a', 'a', undefined, 'b', 'a'];
	const done = runItems(5, 3, (i) => keys[i], items.run);
	await items.settle();
	expect(items.starts).toEqual([0, 2, 3]);
	items.finish(2);
	await items.settle();
	// a's next waits for item 0; nothing else is startable.
	expect(items.starts).toEqual([0, 2, 3]);
	items.finish(0);
	await items.settle();
	expect(items.starts).toEqual([0, 2, 3, 1]);
	items.finish(1);
	items.finish(3);
	await items.settle();
	items.finish(4);
	expect(await done).toEqual([0, 10, 20, 30, 40]);
	expect(items.starts).toEqual([0, 2, 3, 1, 4]);
});

test('after a failure no new item starts, and the earliest failing item’s error is thrown', async () => {
	const items = controlled(4);
	const done = runItems(4, 2, () => undefined, items.run);
	await items.settle();
	items.fail(1, new Error('second'));
	await items.settle();
	items.fail(0, new Error('first'));
	await expect(done).rejects.toThrow('first');
	expect(items.starts).toEqual([0, 1]);
});

test('a run that throws at once is a failure like any other', async () => {
	const run = (itemIndex: number): Promise<number> => {
		if (itemIndex === 1) throw new Error('at once');
		return Promise.resolve(itemIndex);
	};
	await expect(runItems(3, 2, () => undefined, run)).rejects.toThrow('at once');
});
