import type { ServerSentEvent } from '../../nodes/GleanChat/helpers/serverSentEvents';
import { ServerSentEventParser } from '../../nodes/GleanChat/helpers/serverSentEvents';

/** Feeds `text` in pieces cut at the given byte offsets; returns the events and whether it ended mid-event. */
function parse(
	text: string,
	cuts: number[] = [],
): { events: ServerSentEvent[]; unfinished: boolean } {
	const bytes = Buffer.from(text, 'utf8');
	const parser = new ServerSentEventParser();
	const events: ServerSentEvent[] = [];
	let start = 0;
	for (const cut of [
		...cuts.filter((at) => at > 0 && at < bytes.length).sort((a, b) => a - b),
		bytes.length,
	]) {
		parser.push(new Uint8Array(bytes.subarray(start, cut)), (event) => events.push(event));
		start = cut;
	}
	const unfinished = parser.end((event) => events.push(event));
	return { events, unfinished };
}

/** Glean's documented example (client_rest.yaml, agents/runs/stream). */
const GLEAN_EXAMPLE = [1, 2, 3, 4]
	.map(
		(id, index) =>
			`id: ${id}\nevent: message\ndata: {"messages":[{"role":"GLEAN_AI","content":[{"text":${JSON.stringify(['Hello', ',', " I'm", ' your'][index])},"type":"text"}]}]}\n\n`,
	)
	.join('');

describe('server-sent events', () => {
	test("Glean's documented stream: four message events with ids", () => {
		const { events, unfinished } = parse(GLEAN_EXAMPLE);
		expect(unfinished).toBe(false);
		expect(events.map((event) => [event.event, event.id])).toEqual([
			['message', '1'],
			['message', '2'],
			['message', '3'],
			['message', '4'],
		]);
		expect(
			events.map(
				(event) =>
					(JSON.parse(event.data) as { messages: Array<{ content: Array<{ text: string }> }> })
						.messages[0].content[0].text,
			),
		).toEqual(['Hello', ',', " I'm", ' your']);
	});

	test('any cut of the bytes gives the same events (CRLF, comments, multi-line data, emoji)', () => {
		const text =
			'\ufeff: keep-alive\r\nevent: update\r\ndata: first line é\r\ndata: second 🚀\r\nid: 7\r\n\r\n' +
			'data:no space\n\n' +
			': another comment\n\n' +
			'event: error\ndata: {"message":"boom"}\n\n';
		const whole = parse(text).events;
		expect(whole).toEqual([
			{ event: 'update', data: 'first line é\nsecond 🚀', id: '7' },
			{ event: 'message', data: 'no space', id: '7' },
			{ event: 'error', data: '{"message":"boom"}', id: '7' },
		]);
		const length = Buffer.byteLength(text);
		for (let cut = 1; cut < length; cut++) expect(parse(text, [cut]).events).toEqual(whole);
		// Random cuts, seeded so a failure can be replayed.
		let seed = 42;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		for (let round = 0; round < 200; round++) {
			const cuts = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
				Math.floor(random() * length),
			);
			expect(parse(text, cuts).events).toEqual(whole);
		}
	});

	test('a stream that stops inside an event drops it and says so', () => {
		const { events, unfinished } = parse('data: whole\n\ndata: cut sho');
		expect(events).toEqual([{ event: 'message', data: 'whole' }]);
		expect(unfinished).toBe(true);
		expect(parse('data: whole\n\n').unfinished).toBe(false);
	});

	test('an event with no data is not dispatched; its type does not leak into the next', () => {
		expect(parse('event: ping\n\ndata: x\n\n').events).toEqual([{ event: 'message', data: 'x' }]);
	});
});
