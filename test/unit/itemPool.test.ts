import { runItems } from '../../nodes/GleanChat/actions/itemPool';
import type { ItemPlace } from '../../nodes/GleanChat/transport';

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

test('an item that waits lends its place: the next item goes, and the waiting one comes back before any new item', async () => {
	const events: string[] = [];
	let lent: boolean | undefined;
	let secondLend: boolean | undefined;
	let releaseWait!: () => void;
	let finishOne!: () => void;
	const run = async (itemIndex: number, place: ItemPlace) => {
		events.push(`start ${itemIndex}`);
		if (itemIndex === 0) {
			lent = place.lend();
			await new Promise<void>((resolve) => (releaseWait = resolve));
			await place.takeBack();
			events.push('0 back');
		}
		if (itemIndex === 1) {
			secondLend = place.lend();
			if (secondLend) await place.takeBack();
			await new Promise<void>((resolve) => (finishOne = resolve));
		}
		events.push(`end ${itemIndex}`);
		return itemIndex;
	};
	const done = runItems(3, 1, () => undefined, run);
	const settle = async () => await new Promise((resolve) => setImmediate(resolve));
	await settle();
	expect(lent).toBe(true);
	// Only one place may be lent at Concurrency 1: item 1 keeps its own.
	expect(secondLend).toBe(false);
	expect(events).toEqual(['start 0', 'start 1']);
	// Item 0 is ready to go on, but item 1 holds the place until it ends.
	releaseWait();
	await settle();
	expect(events).toEqual(['start 0', 'start 1']);
	finishOne();
	await settle();
	expect(events).toEqual(['start 0', 'start 1', 'end 1', '0 back', 'end 0', 'start 2', 'end 2']);
	expect(await done).toEqual([0, 1, 2]);
});

test('an item that fails while its place is lent ends the run cleanly', async () => {
	const run = async (itemIndex: number, place: ItemPlace) => {
		if (itemIndex === 0) {
			place.lend();
			throw new Error('cancelled while waiting');
		}
		return itemIndex;
	};
	await expect(runItems(3, 1, () => undefined, run)).rejects.toThrow('cancelled while waiting');
});
