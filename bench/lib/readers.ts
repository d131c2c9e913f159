import '../../test/harness/env';

import { Glean } from '@gleanwork/api-client';
import type { StructuredChunk } from 'n8n-workflow';
import { request } from 'undici';

import { runGleanNode } from '../../test/harness/n8nHarness';

/**
 * The three ways to read Glean's streamed answer that the benchmarks compare:
 * - ours: the Glean Chat node's Send Message, run by n8n-core's WorkflowExecute, end to end;
 * - the limit: undici reading the body, splitting lines, JSON.parse of each, text concatenated
 *   (the least work anyone can do, and nothing n8n needs);
 * - the SDK: Glean's TypeScript SDK `glean.client.chat.createStream`, which returns the whole
 *   body as one string, plus the splitting and parsing its users must add.
 * Each returns the answer text, so a benchmark can check that all of them read the same thing.
 */

export const QUESTION = 'What changed in the roadmap?';

export const chatRequest = {
	messages: [
		{ author: 'USER' as const, messageType: 'CONTENT' as const, fragments: [{ text: QUESTION }] },
	],
	stream: true,
};

export interface Target {
	baseUrl: string;
	token: string;
}

export async function readWithNode(
	target: Target,
	{
		simplify = true,
		onChunk,
	}: { simplify?: boolean; onChunk?: (chunk: StructuredChunk) => void } = {},
): Promise<string> {
	const { items, error } = await runGleanNode({
		parameters: { resource: 'chat', operation: 'sendMessage', message: QUESTION, simplify },
		credentials: { baseUrl: target.baseUrl, apiToken: target.token },
		streaming: onChunk !== undefined,
		onChunk,
	});
	if (error) throw error;
	const json = items[0].json as {
		answer?: string;
		messages?: Array<{ messageType?: string; fragments?: Array<{ text?: string }> }>;
	};
	if (simplify) return json.answer ?? '';
	return (json.messages ?? [])
		.filter((message) => message.messageType === 'CONTENT')
		.flatMap((message) => message.fragments ?? [])
		.map((fragment) => fragment.text ?? '')
		.join('');
}

type Line = {
	messages?: Array<{ author?: string; messageType?: string; fragments?: Array<{ text?: string }> }>;
};

function collectText(line: Line, parts: string[]): void {
	for (const message of line.messages ?? []) {
		if (message.author !== 'GLEAN_AI' || message.messageType !== 'CONTENT') continue;
		for (const fragment of message.fragments ?? []) if (fragment.text) parts.push(fragment.text);
	}
}

/** `onText` is called as each piece of answer text is read. */
export async function readWithUndici(target: Target, onText?: () => void): Promise<string> {
	const { statusCode, body } = await request(`${target.baseUrl}/rest/api/v1/chat`, {
		method: 'POST',
		headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
		body: JSON.stringify(chatRequest),
	});
	if (statusCode !== 200) throw new Error(`undici: status ${statusCode}`);
	const parts: string[] = [];
	const parse = (line: string) => {
		if (line.trim() === '') return;
		const before = parts.length;
		collectText(JSON.parse(line) as Line, parts);
		if (parts.length > before) onText?.();
	};
	// Lines are found in the bytes (a newline byte never occurs inside a UTF-8 character); only
	// the pieces of a line cut by chunk boundaries are joined, when its newline arrives.
	let carry: Buffer[] = [];
	for await (const data of body) {
		const chunk = data as Buffer;
		let start = 0;
		for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
			if (carry.length > 0) {
				carry.push(chunk.subarray(start, newline));
				parse(Buffer.concat(carry).toString('utf8'));
				carry = [];
			} else {
				parse(chunk.toString('utf8', start, newline));
			}
			start = newline + 1;
		}
		if (start < chunk.length) carry.push(chunk.subarray(start));
	}
	if (carry.length > 0) parse(Buffer.concat(carry).toString('utf8'));
	return parts.join('');
}

export async function readWithSdk(target: Target, onText?: () => void): Promise<string> {
	const glean = new Glean({ apiToken: target.token, serverURL: target.baseUrl });
	const whole = await glean.client.chat.createStream(chatRequest);
	const parts: string[] = [];
	for (const line of whole.split('\n')) {
		if (line.trim() === '') continue;
		const before = parts.length;
		collectText(JSON.parse(line) as Line, parts);
		if (parts.length > before) onText?.();
	}
	return parts.join('');
}
