/**
 * What Glean's JSON answers look like, endpoint by endpoint, and the one check that tells
 * Glean's answer from a body that is not Glean's (a sign-in page, a proxy's "OK", another API's
 * JSON). Pure; knows nothing of n8n. The field lists are those of Glean's OpenAPI spec
 * (client_rest.yaml, components.schemas); a test keeps them equal.
 */

type JsonType = 'array' | 'object' | 'string' | 'number' | 'boolean';

export interface GleanAnswerShape {
	/** The schema's name in Glean's spec, for error messages, e.g. `ListChatsResponse`. */
	name: string;
	/** The top-level fields the schema defines, with their JSON type. */
	fields: Record<string, JsonType>;
	/** Fields without which the answer says nothing (Glean leaves out empty lists, so lists are never required). */
	required?: string[];
	/** Glean answers this endpoint with an empty body (the delete endpoints' `200`). */
	emptyBody?: boolean;
}

export const CHAT_RESPONSE: GleanAnswerShape = {
	name: 'ChatResponse',
	fields: {
		messages: 'array',
		chatId: 'string',
		chat: 'object',
		followUpPrompts: 'array',
		backendTimeMillis: 'number',
		chatSessionTrackingToken: 'string',
	},
};

/** `/chat`'s `202` (another request runs on the chat): fields Glean sends that its spec lacks; the body may be empty. */
export const CHAT_QUEUED: GleanAnswerShape = {
	name: 'queued chat request',
	fields: { chatId: 'string', queuedRequestId: 'string', isSavedToChatHistory: 'boolean' },
	emptyBody: true,
};

export const LIST_CHATS_RESPONSE: GleanAnswerShape = {
	name: 'ListChatsResponse',
	fields: { chatResults: 'array', cursor: 'string' },
};

export const GET_CHAT_RESPONSE: GleanAnswerShape = {
	name: 'GetChatResponse',
	fields: { chatResult: 'object' },
	required: ['chatResult'],
};

export const GET_CHAT_APPLICATION_RESPONSE: GleanAnswerShape = {
	name: 'GetChatApplicationResponse',
	fields: { application: 'object' },
	required: ['application'],
};

export const UPLOAD_CHAT_FILES_RESPONSE: GleanAnswerShape = {
	name: 'UploadChatFilesResponse',
	fields: { files: 'array' },
	required: ['files'],
};

export const GET_CHAT_FILES_RESPONSE: GleanAnswerShape = {
	name: 'GetChatFilesResponse',
	fields: { files: 'object' },
};

/** `deletechats`, `deleteallchats`, `deletechatfiles`: `200` with an empty body (`{}` is accepted too). */
export const EMPTY_RESPONSE: GleanAnswerShape = {
	name: 'empty answer',
	fields: {},
	emptyBody: true,
};

export type GleanJsonResult = { value: Record<string, unknown> | undefined } | { problem: string };

/**
 * Parses a `2xx` body as the answer `shape` describes. `value` is the parsed object (undefined for
 * an empty body where the shape allows one); `problem` says in a few words what the body is
 * instead, e.g. "an HTML page (a sign-in page)", "text that is not JSON".
 */
export function parseGleanJson(text: string, shape: GleanAnswerShape): GleanJsonResult {
	const trimmed = text.trim();
	if (trimmed === '') return shape.emptyBody ? { value: undefined } : { problem: 'an empty body' };
	if (trimmed.startsWith('<')) return { problem: describeMarkup(trimmed) };
	let parsed: unknown;
	try {
		parsed = JSON.parse(trimmed);
	} catch {
		return { problem: 'text that is not JSON' };
	}
	const problem = shapeProblem(parsed, shape);
	return problem === undefined ? { value: parsed as Record<string, unknown> } : { problem };
}

/** Why a parsed JSON value is not `shape`'s answer, or undefined when it is. */
export function shapeProblem(parsed: unknown, shape: GleanAnswerShape): string | undefined {
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return `JSON, but ${Array.isArray(parsed) ? 'a list' : 'not an object'}, where Glean sends its ${shape.name}`;
	}
	const body = parsed as Record<string, unknown>;
	const keys = Object.keys(body);
	if (keys.length > 0 && !keys.some((key) => Object.hasOwn(shape.fields, key))) {
		if (Object.keys(shape.fields).length === 0) return 'JSON, where Glean sends an empty body';
		return `JSON without any field of Glean's ${shape.name} (it has ${keys
			.slice(0, 5)
			.map((key) => `"${key}"`)
			.join(', ')})`;
	}
	for (const field of shape.required ?? []) {
		if (body[field] === undefined || body[field] === null)
			return `JSON without the "${field}" of Glean's ${shape.name}`;
	}
	for (const [field, type] of Object.entries(shape.fields)) {
		const value = body[field];
		if (value !== undefined && value !== null && jsonType(value) !== type) {
			return `JSON whose "${field}" is ${article(jsonType(value))}, not the ${type === 'array' ? 'list' : type} of Glean's ${shape.name}`;
		}
	}
	return undefined;
}

/** What `text` is instead of `shape`'s answer (see parseGleanJson), or undefined when it is that answer. */
export function answerProblem(text: string, shape: GleanAnswerShape): string | undefined {
	const result = parseGleanJson(text, shape);
	return 'problem' in result ? result.problem : undefined;
}

function article(type: JsonType): string {
	return type === 'array' ? 'a list' : type === 'object' ? 'an object' : `a ${type}`;
}

function jsonType(value: unknown): JsonType {
	if (Array.isArray(value)) return 'array';
	return typeof value as JsonType;
}

function describeMarkup(text: string): string {
	const page = /^<(!doctype html|html|head|body)/i.test(text)
		? 'an HTML page'
		: 'markup (HTML or XML)';
	const signIn = /sign[\s-]?in|log[\s-]?in|single sign-on|\bsso\b|saml|okta|auth0|oauth/i.test(
		text.slice(0, 4096),
	);
	return signIn ? `${page} (a sign-in page)` : page;
}

/** GET /agents/{agent_id}: the Agent. */
export const AGENT: GleanAnswerShape = {
	name: 'Agent',
	fields: {
		agent_id: 'string',
		name: 'string',
		description: 'string',
		metadata: 'object',
		capabilities: 'object',
	},
	required: ['agent_id'],
};

/** GET /agents/{agent_id}/schemas: the agent's input and output schemas (JSON Schema). */
export const AGENT_SCHEMAS: GleanAnswerShape = {
	name: 'AgentSchemas',
	fields: {
		agent_id: 'string',
		name: 'string',
		input_schema: 'object',
		output_schema: 'object',
		tools: 'array',
	},
};

export const SEARCH_AGENTS_RESPONSE: GleanAnswerShape = {
	name: 'SearchAgentsResponse',
	fields: { agents: 'array' },
};

/** POST /agents/runs/wait, and a streamed run Glean answers whole. */
export const AGENT_RUN_WAIT_RESPONSE: GleanAnswerShape = {
	name: 'AgentRunWaitResponse',
	fields: { run: 'object', messages: 'array' },
};
