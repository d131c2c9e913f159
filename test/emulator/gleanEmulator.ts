import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	conversationLines,
	conversationResponse,
	type Conversation,
	defaultConversation,
	toNdjson,
} from './conversation';
import { AgentsEmulation } from './agents';
import { GleanOAuthServer } from './oauthServer';
import type { OAuthAnswer } from './oauthServer';
import type { TokenBuckets } from './rateLimit';
import { GleanSpec } from './specValidator';

/**
 * A local stand-in for Glean's Client API chat endpoints: a real HTTP server on 127.0.0.1
 * that checks the bearer token, validates every request against Glean's spec, records what
 * it received, and answers either from scripted scenarios or from a small in-memory Glean
 * (chats, files, applications).
 */

export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

export interface RecordedRequest {
	method: string;
	path: string;
	endpoint: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	/** The parsed JSON body, when there was one. */
	body?: unknown;
	parts?: MultipartPart[];
	/** Spec problems found in this request; any makes the emulator answer 400. */
	problems: string[];
	/** Resolves when the connection closes: `true` when the client left before the answer ended. */
	closed: Promise<boolean>;
	/** When the request arrived, and when its connection closed (performance.now()). */
	receivedAt: number;
	closedAt?: number;
	/** The status answered, once the connection closed. */
	status?: number;
}

/** The question of a recorded `chat` request (its first message's first fragment). */
export function questionOf(request: RecordedRequest): string {
	return (request.body as { messages: Array<{ fragments: Array<{ text: string }> }> }).messages[0]
		.fragments[0].text;
}

/** How a streamed body is cut into writes. */
export type Chunking =
	'whole' | 'lines' | { sizes: number[] } | { random: { seed: number; maxSize: number } };

export type Scenario =
	| { kind: 'json'; status?: number; json: unknown; headers?: Record<string, string> }
	| { kind: 'text'; status: number; text: string; headers?: Record<string, string> }
	| { kind: 'empty'; status?: number }
	| {
			kind: 'ndjson';
			status?: number;
			/** Lines (objects are serialised) or a ready body. */
			body: Array<Record<string, unknown> | string> | string | Buffer;
			chunking?: Chunking;
			/** Pause before each write after the first. */
			delayMs?: number;
			/** Close the connection after this many bytes instead of ending cleanly. */
			dropAfterBytes?: number;
			/** Called just before each write (benchmarks time the first). */
			onWrite?: (index: number) => void;
			contentType?: string;
	  }
	| { kind: 'bytes'; status?: number; data: Buffer; headers: Record<string, string> }
	/** Close the connection before any response byte. */
	| { kind: 'drop' }
	/** Send nothing at all, and keep the connection open until the client leaves. */
	| { kind: 'silent' }
	/** Answer with a redirect (e.g. 307 to another emulator). */
	| { kind: 'redirect'; status?: number; location: string };

/** Decides, for each request that passed the checks, whether to answer with a fault instead. */
export type FaultInjector = (request: RecordedRequest) => Scenario | undefined;

export interface EmulatorOptions {
	/** The token the emulator accepts (default `test-token`). */
	token?: string;
	/** Behave like a global token: requests without X-Glean-ActAs get 400. */
	requireActAs?: boolean;
	/** Pause between the lines of default streamed answers (to watch them arrive). */
	streamDelayMs?: number;
	/** Answer every chat request with this instead of the in-memory Glean (benchmarks). */
	chatAnswer?: Scenario;
	/** Listen on this loopback port (default: any free port). `npm run dev` keeps one, so its saved credential stays valid. */
	port?: number;
}

export interface StoredChat {
	id: string;
	name: string;
	createTime: number;
	updateTime: number;
	applicationId?: string;
	messages: Array<Record<string, unknown>>;
	ownerEmail?: string;
}

export interface StoredFile {
	id: string;
	name: string;
	mimeType: string;
	data: Buffer;
	uploadTime: number;
}

let sharedSpec: GleanSpec | undefined;

export class GleanEmulator {
	readonly token: string;

	readonly requests: RecordedRequest[] = [];

	readonly chats = new Map<string, StoredChat>();

	readonly files = new Map<string, StoredFile>();

	readonly applications = new Map<string, Record<string, unknown>>();

	requireActAs: boolean;

	/** Consulted after scripted scenarios, before the default answer. */
	faults?: FaultInjector;

	/** Called with each request once answered (`npm run dev` prints them). */
	onRequest?: (request: RecordedRequest, status: number) => void;

	/** Glean's rate limit (see rateLimit.ts); none by default. */
	rateLimit?: TokenBuckets;

	/**
	 * Glean's OAuth authorization server; the API also accepts its live access tokens. Kept by
	 * reset(): register its clients once per test file.
	 */
	readonly oauth = new GleanOAuthServer();

	/** Glean's Agents endpoints (agents.ts); emptied by reset(). */
	readonly agents = new AgentsEmulation();

	/** The conversation Glean plays for a question (default: defaultConversation). */
	conversationFor?: (question: string, chatId?: string) => Conversation;

	/** Awaited before a 401 for a token the emulator does not accept (a slow refusal). */
	beforeRefusing?: (request: RecordedRequest) => Promise<void>;

	/** While set, /oauth/token answers only once this settles (a hanging token endpoint). */
	tokenEndpointHeld?: Promise<void>;

	/** A pause before answering each request (a slow Glean), fixed or per request. */
	responseDelayMs: number | ((request: RecordedRequest) => number) = 0;

	/** Requests being answered right now, and the most there were at once. */
	inFlight = 0;

	maxInFlight = 0;

	private readonly streamDelayMs: number;

	private readonly fixedChatAnswer?: Scenario;

	private readonly scenarios = new Map<string, Scenario[]>();

	private readonly waiters: Array<{
		endpoint: string;
		resolve: (request: RecordedRequest) => void;
	}> = [];

	private readonly spec: GleanSpec;

	private server?: Server;

	private nextChat = 1;

	private constructor(options: EmulatorOptions) {
		this.token = options.token ?? 'test-token';
		this.requireActAs = options.requireActAs ?? false;
		this.streamDelayMs = options.streamDelayMs ?? 0;
		this.fixedChatAnswer = options.chatAnswer;
		sharedSpec ??= new GleanSpec();
		this.spec = sharedSpec;
	}

	static async start(options: EmulatorOptions = {}): Promise<GleanEmulator> {
		const emulator = new GleanEmulator(options);
		await emulator.listen(options.port ?? 0);
		return emulator;
	}

	get baseUrl(): string {
		const address = this.server?.address() as AddressInfo | null;
		if (!address) throw new Error('Glean emulator is not listening');
		return `http://127.0.0.1:${address.port}`;
	}

	/** Every spec problem seen in any request so far. */
	get violations(): string[] {
		return this.requests.flatMap((request) =>
			request.problems.map((problem) => `${request.method} ${request.path}: ${problem}`),
		);
	}

	/** Answers the next request to `endpoint` (e.g. `chat`) with `scenario` instead of the default. */
	enqueue(endpoint: string, ...scenarios: Scenario[]): void {
		this.scenarios.set(endpoint, [...(this.scenarios.get(endpoint) ?? []), ...scenarios]);
	}

	/**
	 * Holds /oauth/token (a hanging token endpoint): its requests are recorded, then answered only
	 * once the returned function is called, which also ends the hold.
	 */
	holdTokenEndpoint(): () => void {
		let release = () => {};
		this.tokenEndpointHeld = new Promise<void>((resolve) => (release = resolve));
		return () => {
			this.tokenEndpointHeld = undefined;
			release();
		};
	}

	/** Resolves when the next request to `endpoint` has been received (before it is answered). */
	async nextRequest(endpoint: string): Promise<RecordedRequest> {
		return await new Promise((resolve) => this.waiters.push({ endpoint, resolve }));
	}

	requestsTo(endpoint: string): RecordedRequest[] {
		return this.requests.filter((request) => request.endpoint === endpoint);
	}

	reset(): void {
		this.requests.length = 0;
		this.scenarios.clear();
		this.chats.clear();
		this.files.clear();
		this.applications.clear();
		this.agents.reset();
		this.requireActAs = false;
		this.faults = undefined;
		this.responseDelayMs = 0;
		this.rateLimit = undefined;
		this.maxInFlight = 0;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private async listen(port: number): Promise<void> {
		this.server = createServer((request, response) => {
			this.inFlight++;
			this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
			response.once('close', () => this.inFlight--);
			this.handle(request, response).catch((error: unknown) => {
				if (!response.headersSent) {
					response.writeHead(500, { 'Content-Type': 'text/plain' });
					response.end(`Emulator failure: ${String(error)}\n`);
				} else {
					response.destroy();
				}
			});
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, '127.0.0.1', resolve);
		});
	}

	/** The OAuth server's answer when the request is for it (metadata, authorize, token). */
	private oauthAnswer(
		method: string | undefined,
		url: URL,
		body: Buffer,
		authorization: string | undefined,
	): OAuthAnswer | undefined {
		if (method === 'GET' && url.pathname === '/.well-known/oauth-authorization-server')
			return this.oauth.metadata(this.baseUrl);
		if (method === 'GET' && url.pathname === '/oauth/authorize')
			return this.oauth.authorize(url.searchParams);
		if (method === 'POST' && url.pathname === '/oauth/token')
			return this.oauth.token(new URLSearchParams(body.toString('utf8')), authorization);
		return undefined;
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const receivedAt = performance.now();
		const rawBody = await readAll(request);
		const recorded: RecordedRequest = {
			receivedAt,
			method: request.method ?? 'GET',
			path: url.pathname,
			endpoint: GleanSpec.endpointOf(url.pathname),
			query: Object.fromEntries(url.searchParams),
			headers: request.headers,
			rawBody,
			problems: [],
			closed: new Promise((resolve) =>
				response.on('close', () => {
					recorded.closedAt = performance.now();
					resolve(!response.writableFinished);
				}),
			),
		};
		this.requests.push(recorded);
		// Reported once answered, when its spec problems and status are known.
		response.once('close', () => {
			recorded.status = response.statusCode;
			this.onRequest?.(recorded, response.statusCode);
		});
		for (const waiter of this.waiters.filter((entry) => entry.endpoint === recorded.endpoint)) {
			this.waiters.splice(this.waiters.indexOf(waiter), 1);
			waiter.resolve(recorded);
		}

		// A token endpoint that does not answer until the test lets it.
		if (url.pathname === '/oauth/token') await this.tokenEndpointHeld;
		const oauth = this.oauthAnswer(request.method, url, rawBody, request.headers.authorization);
		if (oauth) return sendOAuth(response, oauth);
		const bearer = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
		const signedIn = this.oauth.grantOf(bearer);
		if (bearer !== this.token && !signedIn) {
			await this.beforeRefusing?.(recorded);
			return sendText(response, 401, 'Invalid Secret\nNot allowed');
		}
		// Glean's scopes: every chat endpoint needs `chat`.
		if (signedIn && !signedIn.scope.split(' ').includes('chat')) {
			return sendText(response, 403, 'Token does not have the required scope: chat');
		}
		if (this.requireActAs && !request.headers['x-glean-actas']) {
			return sendText(response, 400, 'Required header missing: X-Glean-ActAs');
		}

		await this.validate(recorded, request.headers['content-type'], url.searchParams);
		// A signed-in user is the same user whatever access token a refresh gave them.
		const caller = signedIn?.subject ?? request.headers.authorization;
		const user = `${caller}\n${String(request.headers['x-glean-actas'] ?? '')}`;
		const refusal = this.rateLimit?.refusal(user, recorded.endpoint);
		if (refusal) {
			response.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', ...refusal });
			response.end('Too Many Requests\n');
			return;
		}
		if (recorded.problems.length > 0) {
			return sendText(response, 400, `Bad Request\n${recorded.problems.join('\n')}`);
		}

		const delay =
			typeof this.responseDelayMs === 'function'
				? this.responseDelayMs(recorded)
				: this.responseDelayMs;
		if (delay > 0) await pause(delay, response);
		const scripted = this.scenarios.get(recorded.endpoint)?.shift() ?? this.faults?.(recorded);
		if (scripted) return await play(response, scripted);
		return await play(response, this.defaultAnswer(recorded));
	}

	private async validate(
		recorded: RecordedRequest,
		contentType: string | undefined,
		query: URLSearchParams,
	): Promise<void> {
		const operation = this.spec.operation(recorded.method, recorded.path);
		if (!operation) {
			recorded.problems.push(
				`${recorded.method} ${recorded.path} is not an operation of Glean's spec`,
			);
			return;
		}
		recorded.problems.push(...this.spec.validateQuery(operation, query));
		if (!operation.bodyContentType) {
			if (recorded.rawBody.length > 0) {
				recorded.problems.push('the spec defines no request body here, but one was sent');
			}
			return;
		}
		if (operation.bodyContentType === 'multipart/form-data') {
			if (!contentType?.startsWith('multipart/form-data')) {
				recorded.problems.push(`expected a multipart/form-data body, got ${contentType ?? 'none'}`);
				return;
			}
			recorded.parts = await parseMultipart(recorded.rawBody, contentType);
			for (const part of recorded.parts) {
				if (part.name !== 'files')
					recorded.problems.push(`multipart part named "${part.name}", expected "files"`);
			}
			if (recorded.parts.length === 0) recorded.problems.push('multipart body has no parts');
			return;
		}
		if (!contentType?.startsWith('application/json')) {
			recorded.problems.push(`expected an application/json body, got ${contentType ?? 'none'}`);
			return;
		}
		try {
			recorded.body = JSON.parse(recorded.rawBody.toString('utf8'));
		} catch {
			recorded.problems.push('the body is not valid JSON');
			return;
		}
		recorded.problems.push(...this.spec.validateBody(operation, recorded.body));
	}

	/** What a real Glean would answer, from the in-memory state. */
	private defaultAnswer(request: RecordedRequest): Scenario {
		const body = (request.body ?? {}) as Record<string, unknown>;
		const agent = this.agents.answer(request.method, request.endpoint, body);
		if (agent) return agent;
		switch (request.endpoint) {
			case 'chat':
				return this.fixedChatAnswer ?? this.chatAnswer(body);
			case 'listchats':
				return {
					kind: 'json',
					json: {
						chatResults: [...this.chats.values()].map((chat) => ({
							chat: chatMetadata(chat),
							trackingToken: `tt-${chat.id}`,
						})),
						cursor: '',
					},
				};
			case 'getchat': {
				const chat = this.chats.get(String(body.id));
				if (!chat) return { kind: 'text', status: 404, text: 'Chat not found' };
				return {
					kind: 'json',
					json: {
						chatResult: {
							chat: { ...chatMetadata(chat), messages: chat.messages },
							trackingToken: `tt-${chat.id}`,
						},
					},
				};
			}
			case 'deletechats':
				for (const id of (body.ids as string[] | undefined) ?? []) this.chats.delete(id);
				return { kind: 'empty' };
			case 'deleteallchats':
				this.chats.clear();
				return { kind: 'empty' };
			case 'getchatapplication': {
				const application = this.applications.get(String(body.id));
				if (!application) return { kind: 'text', status: 404, text: 'Application not found' };
				return { kind: 'json', json: { application } };
			}
			case 'uploadchatfiles': {
				const uploaded = (request.parts ?? []).map((part) => {
					const file: StoredFile = {
						id: `FILE_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
						name: part.filename ?? 'file',
						mimeType: part.contentType ?? 'application/octet-stream',
						data: part.data,
						uploadTime: Math.floor(Date.now() / 1000),
					};
					this.files.set(file.id, file);
					return chatFile(file);
				});
				return { kind: 'json', json: { files: uploaded } };
			}
			case 'getchatfiles': {
				const files: Record<string, unknown> = {};
				for (const id of (body.fileIds as string[] | undefined) ?? []) {
					const file = this.files.get(id);
					if (file) files[id] = chatFile(file);
				}
				return { kind: 'json', json: { files } };
			}
			case 'deletechatfiles':
				for (const id of (body.fileIds as string[] | undefined) ?? []) this.files.delete(id);
				return { kind: 'empty' };
			default: {
				const fileMatch = /^chat-files\/([^/]+)$/.exec(request.endpoint);
				if (fileMatch) {
					const file = this.files.get(decodeURIComponent(fileMatch[1]));
					if (!file) return { kind: 'text', status: 404, text: 'File not found' };
					return {
						kind: 'bytes',
						data: file.data,
						headers: {
							'Content-Type': file.mimeType,
							'Content-Disposition': `attachment; filename="${file.name}"`,
						},
					};
				}
				return { kind: 'text', status: 404, text: 'Not Found' };
			}
		}
	}

	private chatAnswer(body: Record<string, unknown>): Scenario {
		const messages = (body.messages as Array<Record<string, unknown>> | undefined) ?? [];
		const question = messages
			.filter((message) => (message.author ?? 'USER') === 'USER')
			.flatMap((message) => (message.fragments as Array<{ text?: string }> | undefined) ?? [])
			.map((fragment) => fragment.text ?? '')
			.join(' ');
		let chatId = typeof body.chatId === 'string' && body.chatId !== '' ? body.chatId : undefined;
		if (chatId !== undefined && !this.chats.has(chatId)) {
			return { kind: 'text', status: 404, text: 'Chat not found' };
		}
		if (body.saveChat === true && chatId === undefined) {
			chatId = `chat-${this.nextChat++}`;
			this.chats.set(chatId, {
				id: chatId,
				name: question.slice(0, 60),
				createTime: Math.floor(Date.now() / 1000),
				updateTime: Math.floor(Date.now() / 1000),
				messages: [],
			});
		}
		const conversation = (this.conversationFor ?? defaultConversation)(
			question,
			body.saveChat === true ? chatId : undefined,
		);
		const agent = (body.agentConfig as { agent?: string } | undefined)?.agent;
		if (agent) conversation.agent = agent;
		const whole = conversationResponse(conversation);
		const chat = chatId ? this.chats.get(chatId) : undefined;
		if (chat) {
			chat.messages.push(
				...messages,
				...((whole.messages as Array<Record<string, unknown>>) ?? []),
			);
			chat.updateTime = Math.floor(Date.now() / 1000);
		}
		if (body.stream === true) {
			return {
				kind: 'ndjson',
				body: conversationLines(conversation),
				chunking: 'lines',
				delayMs: this.streamDelayMs,
			};
		}
		return { kind: 'json', json: whole };
	}
}

function chatMetadata(chat: StoredChat): Record<string, unknown> {
	const metadata: Record<string, unknown> = {
		id: chat.id,
		name: chat.name,
		createTime: chat.createTime,
		updateTime: chat.updateTime,
	};
	if (chat.applicationId) metadata.applicationId = chat.applicationId;
	return metadata;
}

function chatFile(file: StoredFile): Record<string, unknown> {
	return {
		id: file.id,
		name: file.name,
		url: `https://app.glean.com/chat-files/${file.id}`,
		metadata: {
			status: 'PROCESSED',
			uploadTime: file.uploadTime,
			processedSize: file.data.length,
			mimeType: file.mimeType,
		},
	};
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

async function parseMultipart(body: Buffer, contentType: string): Promise<MultipartPart[]> {
	// The platform's own multipart parser (undici's FormData), not a home-made one.
	const form = await new Response(body, { headers: { 'Content-Type': contentType } }).formData();
	const parts: MultipartPart[] = [];
	for (const [name, value] of form.entries()) {
		if (typeof value === 'string') {
			parts.push({ name, data: Buffer.from(value) });
		} else {
			parts.push({
				name,
				filename: value.name,
				contentType: value.type || undefined,
				data: Buffer.from(await value.arrayBuffer()),
			});
		}
	}
	return parts;
}

function sendOAuth(response: ServerResponse, answer: OAuthAnswer): void {
	if (answer.json) {
		response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
		response.end(JSON.stringify(answer.json));
		return;
	}
	response.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers });
	response.end(answer.text ?? '');
}

function sendText(response: ServerResponse, status: number, text: string): void {
	response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
	response.end(text);
}

async function play(response: ServerResponse, scenario: Scenario): Promise<void> {
	switch (scenario.kind) {
		case 'drop':
			response.socket?.destroy();
			return;
		case 'silent':
			await new Promise<void>((resolve) => response.once('close', () => resolve()));
			return;
		case 'redirect':
			response.writeHead(scenario.status ?? 307, {
				Location: scenario.location,
				'Content-Type': 'text/plain',
			});
			response.end('Moved');
			return;
		case 'json':
			response.writeHead(scenario.status ?? 200, {
				'Content-Type': 'application/json',
				...scenario.headers,
			});
			response.end(JSON.stringify(scenario.json));
			return;
		case 'text':
			response.writeHead(scenario.status, {
				'Content-Type': 'text/plain; charset=utf-8',
				...scenario.headers,
			});
			response.end(scenario.text);
			return;
		case 'empty':
			response.writeHead(scenario.status ?? 200);
			response.end();
			return;
		case 'bytes':
			response.writeHead(scenario.status ?? 200, {
				'Content-Length': String(scenario.data.length),
				...scenario.headers,
			});
			response.end(scenario.data);
			return;
		case 'ndjson':
			await playStream(response, scenario);
			return;
	}
}

async function playStream(
	response: ServerResponse,
	scenario: Extract<Scenario, { kind: 'ndjson' }>,
): Promise<void> {
	const body = Buffer.isBuffer(scenario.body)
		? scenario.body
		: Buffer.from(typeof scenario.body === 'string' ? scenario.body : toNdjson(scenario.body));
	response.socket?.setNoDelay(true);
	response.writeHead(scenario.status ?? 200, {
		'Content-Type': scenario.contentType ?? 'text/plain; charset=utf-8',
	});
	const limit = scenario.dropAfterBytes ?? body.length;
	let offset = 0;
	let first = true;
	let writes = 0;
	for (const size of chunkSizes(body, scenario.chunking ?? 'lines')) {
		if (offset >= limit) break;
		const end = Math.min(offset + size, limit);
		if (!first && scenario.delayMs) await pause(scenario.delayMs, response);
		first = false;
		if (response.destroyed) return;
		scenario.onWrite?.(writes++);
		await new Promise<void>((resolve, reject) =>
			response.write(body.subarray(offset, end), (error) => (error ? reject(error) : resolve())),
		);
		offset = end;
	}
	if (scenario.dropAfterBytes !== undefined) {
		response.socket?.destroy();
		return;
	}
	response.end();
}

/** Waits, but no longer than the client stays connected. */
async function pause(millis: number, response: ServerResponse): Promise<void> {
	await new Promise<void>((resolve) => {
		const timer = setTimeout(done, millis);
		response.once('close', done);
		function done() {
			clearTimeout(timer);
			response.off('close', done);
			resolve();
		}
	});
}

function* chunkSizes(body: Buffer, chunking: Chunking): Generator<number> {
	if (chunking === 'whole') {
		yield body.length;
		return;
	}
	if (chunking === 'lines') {
		let start = 0;
		while (start < body.length) {
			const newline = body.indexOf(0x0a, start);
			const end = newline === -1 ? body.length : newline + 1;
			yield end - start;
			start = end;
		}
		return;
	}
	if ('sizes' in chunking) {
		let index = 0;
		for (;;) yield Math.max(1, chunking.sizes[index++ % chunking.sizes.length]);
	}
	const random = seededRandom(chunking.random.seed);
	for (;;) yield 1 + Math.floor(random() * chunking.random.maxSize);
}

/** mulberry32: a tiny deterministic PRNG, so a failing seed can be replayed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
