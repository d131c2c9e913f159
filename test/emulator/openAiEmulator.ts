import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for OpenAI's Chat Completions API, so that n8n's real AI Agent can run the
 * Glean Chat tool without a model or the internet. It plays a model that always asks the first
 * tool for the user's question, then answers with what the tool returned:
 *   1st call (no tool result yet) → a tool call with `{ "question": <the user's message> }`;
 *   2nd call (a `tool` message)   → "From Glean: <the tool's result>".
 * Both plain and streamed (`stream: true`, server-sent events) replies are supported, as
 * LangChain asks for either. Every request is recorded for the test to inspect.
 */

export interface ChatCompletionRequest {
	model: string;
	stream?: boolean;
	messages: Array<{
		role: string;
		content?: string | null;
		tool_call_id?: string;
		tool_calls?: unknown[];
	}>;
	tools?: Array<{
		type: 'function';
		function: { name: string; description?: string; parameters?: unknown };
	}>;
}

export class OpenAiEmulator {
	readonly requests: ChatCompletionRequest[] = [];

	/** Requests it could not answer (wrong path or shape), for the test to report. */
	readonly problems: string[] = [];

	private server?: Server;

	private nextId = 1;

	/** On `port`, or any free loopback port. */
	static async start(port = 0): Promise<OpenAiEmulator> {
		const emulator = new OpenAiEmulator();
		emulator.server = createServer((request, response) => {
			emulator.handle(request, response).catch((error: unknown) => {
				emulator.problems.push(String(error));
				if (!response.headersSent) response.writeHead(500);
				response.end();
			});
		});
		await new Promise<void>((resolve, reject) => {
			emulator.server!.once('error', reject);
			emulator.server!.listen(port, '127.0.0.1', resolve);
		});
		return emulator;
	}

	/** What to put in n8n's OpenAI credential as Base URL. */
	get baseUrl(): string {
		return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
	}

	async stop(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
			this.problems.push(`unexpected ${request.method} ${request.url}`);
			response.writeHead(404, { 'Content-Type': 'application/json' });
			response.end(
				JSON.stringify({ error: { message: 'Only POST /v1/chat/completions is emulated' } }),
			);
			return;
		}
		const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatCompletionRequest;
		this.requests.push(body);
		const message = this.reply(body);
		const id = `chatcmpl-${this.nextId++}`;
		const created = Math.floor(Date.now() / 1000);
		const finishReason = message.tool_calls ? 'tool_calls' : 'stop';
		if (!body.stream) {
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created,
					model: body.model,
					choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
					usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
				}),
			);
			return;
		}
		response.writeHead(200, { 'Content-Type': 'text/event-stream' });
		const event = (delta: object, finish: string | null) =>
			`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
		const delta = message.tool_calls
			? {
					role: 'assistant',
					content: null,
					tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })),
				}
			: { role: 'assistant', content: message.content };
		response.write(event(delta, null));
		response.write(event({}, finishReason));
		response.end('data: [DONE]\n\n');
	}

	private reply(body: ChatCompletionRequest): {
		role: 'assistant';
		content: string | null;
		tool_calls?: Array<{
			id: string;
			type: 'function';
			function: { name: string; arguments: string };
		}>;
	} {
		const toolResult = [...body.messages].reverse().find((message) => message.role === 'tool');
		if (toolResult)
			return { role: 'assistant', content: `From Glean: ${toolResult.content ?? ''}` };
		const tool = body.tools?.[0];
		const question =
			[...body.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
		if (!tool) return { role: 'assistant', content: 'No tool was offered.' };
		return {
			role: 'assistant',
			content: null,
			tool_calls: [
				{
					id: `call_${this.nextId}`,
					type: 'function',
					function: { name: tool.function.name, arguments: JSON.stringify({ question }) },
				},
			],
		};
	}
}
