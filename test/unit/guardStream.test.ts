import { Deadline, guardStream } from '../../nodes/GleanChat/transport/deadline';

/** A reader that stops reading a guarded stream closes the request, whenever it stops. */

function fakeStream(chunks: Uint8Array[]) {
	const stream = {
		destroyed: false,
		destroy() {
			stream.destroyed = true;
		},
		async *[Symbol.asyncIterator]() {
			for (const chunk of chunks) yield chunk;
		},
	};
	return stream;
}

function guarded(chunks: Uint8Array[]) {
	const stream = fakeStream(chunks);
	const calls = { abandon: 0, release: 0 };
	const deadline = new Deadline(60_000);
	const iterator = guardStream(stream, {
		deadline,
		idleMillis: 60_000,
		abandon: () => calls.abandon++,
		release: () => calls.release++,
	})[Symbol.asyncIterator]();
	return { stream, calls, iterator };
}

test('stopped before its first read (the reader failed first): the request is closed and released', async () => {
	const { stream, calls, iterator } = guarded([new Uint8Array([1])]);
	await iterator.return?.();
	expect(calls).toEqual({ abandon: 1, release: 1 });
	expect(stream.destroyed).toBe(true);
});

test('stopped part-way: closed and released, once', async () => {
	const { calls, iterator } = guarded([new Uint8Array([1]), new Uint8Array([2])]);
	await iterator.next();
	await iterator.return?.();
	await iterator.return?.();
	expect(calls).toEqual({ abandon: 1, release: 1 });
});

test('read to the end: released, not abandoned (the connection may be reused)', async () => {
	const { calls, iterator } = guarded([new Uint8Array([1])]);
	while (!(await iterator.next()).done);
	expect(calls).toEqual({ abandon: 0, release: 1 });
});
