import type { LocalN8n } from './localN8n';
import type { ExecutionResult } from './n8nInstance';

/** What `npm run test:n8n`'s checks share: the ✓/✗ lines, and reading a run's items. */

export type Json = Record<string, unknown>;

let failures = 0;

/** Prints a ✓ or ✗ line; a ✗ makes the whole run fail. */
export function check(what: string, ok: boolean, detail = ''): void {
	if (!ok) failures++;
	console.log(`  ${ok ? '✓' : '✗'} ${what}${detail ? `: ${detail}` : ''}`);
}

export function failureCount(): number {
	return failures;
}

export function itemsOf(run: ExecutionResult, node: string, output = 'main'): Json[] {
	return (run.runData[node]?.[0]?.data?.[output]?.[0] ?? []).map((item) => item.json);
}

export function short(text: unknown, length = 90): string {
	const value = String(text ?? '').replace(/\s+/g, ' ');
	return value.length > length ? `“${value.slice(0, length)}…”` : `“${value}”`;
}

/** A piece of a streamed n8n response (`begin`, `item` with `content`, `end`) and when it arrived. */
export interface StreamedPiece {
	type: string;
	content?: string;
	at: number;
}

/** Reads n8n's streamed webhook response (one JSON object per line) to its end. */
export async function readStreamed(response: Response): Promise<StreamedPiece[]> {
	const pieces: StreamedPiece[] = [];
	let buffer = '';
	const decoder = new TextDecoder();
	for await (const bytes of response.body ?? []) {
		buffer += decoder.decode(bytes as Uint8Array, { stream: true });
		let newline: number;
		while ((newline = buffer.indexOf('\n')) >= 0) {
			const line = buffer.slice(0, newline).trim();
			buffer = buffer.slice(newline + 1);
			if (line) pieces.push({ ...(JSON.parse(line) as StreamedPiece), at: performance.now() });
		}
	}
	return pieces;
}

/**
 * A titled group of checks, timed; one that throws counts as a failed check. With `only` (a
 * script's `-- --only <title start>`, for debugging), other sections are skipped.
 */
export async function section(
	title: string,
	body: () => Promise<void>,
	only?: string,
): Promise<void> {
	if (only && !title.startsWith(only)) return;
	console.log(`\n${title}`);
	const started = Date.now();
	try {
		await body();
	} catch (error) {
		check('ran to the end', false, (error as Error).message);
	}
	console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Asks the published webhook-streaming-answer example as its chat front end: what the caller read. */
export async function askLive(
	local: LocalN8n,
	question: string,
): Promise<{ pieces: StreamedPiece[]; items: StreamedPiece[]; text: string }> {
	const response = await local.n8n.callWebhook(
		'ask-glean-live',
		{ question },
		{ [local.callers.header.name]: local.callers.header.value },
	);
	const pieces = await readStreamed(response);
	const items = pieces.filter((piece) => piece.type === 'item');
	return { pieces, items, text: items.map((piece) => piece.content ?? '').join('') };
}
