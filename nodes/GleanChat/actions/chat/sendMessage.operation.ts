import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { SimplifiedChatAnswer } from '../../helpers/chatStreamAggregator';
import { ChatStreamAggregator } from '../../helpers/chatStreamAggregator';
import { parseIdList } from '../../helpers/idList';
import { CHAT_QUEUED, CHAT_RESPONSE } from '../../helpers/gleanShapes';
import type { GleanCall } from '../../transport';
import { gleanApiRequest, itemToken, redact, StreamRedactor } from '../../transport';
import {
	actAsOption,
	gleanQuery,
	invalidOption,
	localeOption,
	optionsCollection,
	readRetryPolicy,
	textParameter,
	timezoneOffsetOption,
} from '../common';
import { answerFailure } from '../errors';
import { forgetChat, inSessionOrder, rememberChat, rememberedChat } from './chatSessions';
import type { LiveDeltas } from './streamedAnswer';
import { readStreamedAnswer } from './streamedAnswer';

const restrictionFilters = (kind: 'inclusions' | 'exclusions'): INodeProperties => ({
	displayName: kind === 'inclusions' ? 'Only Use Sources' : 'Never Use Sources',
	name: kind,
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Filter',
	description:
		kind === 'inclusions'
			? 'Restrict the answer to these sources'
			: 'Keep these sources out of the answer (exclusions win over inclusions)',
	options: [
		{
			displayName: 'Filters',
			name: 'filters',
			values: [
				{
					displayName: 'Containers',
					name: 'containers',
					type: 'string',
					default: '',
					placeholder: 'e.g. CONFLUENCE_space_ENG, https://drive.google.com/drive/folders/…',
					description:
						'Comma-separated IDs or URLs of containers (folders, spaces, sites); their contents count recursively where Glean supports it',
				},
				{
					displayName: 'Datasource Instances',
					name: 'datasourceInstances',
					type: 'string',
					default: '',
					placeholder: 'e.g. confluence, gdrive',
					description: 'Comma-separated datasource instance names',
				},
				{
					displayName: 'Documents',
					name: 'documents',
					type: 'string',
					default: '',
					placeholder: 'e.g. CONFLUENCE_page_123, https://wiki.example.com/page',
					description: 'Comma-separated document IDs or URLs',
				},
			],
		},
	],
});

const properties: INodeProperties[] = [
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. What changed in our roadmap docs this week?',
		typeOptions: { rows: 4 },
		description:
			'The question or instruction for Glean, self-contained and in plain language. Glean answers from the company documents, wikis, tickets and chats the user can access.',
	},
	{
		displayName: 'Chat ID',
		name: 'chatId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 6e1d2a0f…',
		description:
			'Continue a saved Glean chat: the ID comes back as "chatId" when a chat is saved. Leave empty to start a new chat.',
	},
	{
		displayName: 'Stream',
		name: 'stream',
		type: 'boolean',
		default: true,
		description:
			'Whether to receive the answer as it is written. Gives the same result; with a streaming Chat Trigger or Webhook the words reach the caller live.',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return the answer, citations, follow-up prompts and steps instead of Glean’s whole merged response',
	},
	optionsCollection([
		actAsOption,
		{
			displayName: 'Agent',
			name: 'agent',
			type: 'options',
			default: 'DEFAULT',
			options: [
				{
					name: 'Advanced',
					value: 'ADVANCED',
					description: 'Agentic engine, thinks longer for higher quality answers',
				},
				{
					name: 'Auto',
					value: 'AUTO',
					description: 'Agentic engine, picks the reasoning effort per question',
				},
				{ name: 'Default', value: 'DEFAULT', description: 'Answers from your company’s knowledge' },
				{ name: 'Fast', value: 'FAST', description: 'Agentic engine, answers faster' },
				{ name: 'GPT', value: 'GPT', description: 'Talks to the language model directly' },
				{
					name: 'Universal',
					value: 'UNIVERSAL',
					description: 'Uses company knowledge and the web',
				},
			],
			description: 'Which Glean agent answers',
		},
		{
			displayName: 'Agent ID',
			name: 'agentId',
			type: 'string',
			default: '',
			description:
				'ID of a Glean Agent (triggered by "User chat message") that should answer instead of the default chat',
		},
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			description: 'ID of a Glean AI App whose configuration the chat should use',
		},
		{
			displayName: 'Enable Company Tools',
			name: 'enableCompanyTools',
			type: 'boolean',
			default: true,
			description:
				'Whether the agent may search your company’s content (Fast and Advanced agents only)',
		},
		{
			displayName: 'Enable Web Search',
			name: 'enableWebSearch',
			type: 'boolean',
			default: true,
			description: 'Whether the agent may search the web (Fast and Advanced agents only)',
		},
		{
			displayName: 'File IDs',
			name: 'fileIds',
			type: 'string',
			default: '',
			placeholder: 'e.g. FILE_123, FILE_456',
			description:
				'IDs of uploaded chat files the message is about: comma-separated, or an array from an expression',
		},
		localeOption,
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			default: 'DEFAULT',
			options: [
				{ name: 'Default', value: 'DEFAULT' },
				{ name: 'Quick (Deprecated)', value: 'QUICK' },
			],
			description: 'Glean’s top-level chat mode',
		},
		restrictionFilters('exclusions'),
		restrictionFilters('inclusions'),
		{
			displayName: 'Session Key',
			name: 'sessionKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.sessionId }}',
			description:
				'Continue the Glean chat remembered for this key, e.g. the sessionId of a Chat Trigger, so each chat session is one Glean conversation. The node remembers the chat in the workflow’s static data (saved by n8n for active workflows). A Chat ID parameter wins over it.',
		},
		{
			displayName: 'Session Expiry (Minutes)',
			name: 'sessionExpiryMinutes',
			type: 'number',
			default: 60,
			typeOptions: { minValue: 1 },
			description: 'How long a session key keeps its Glean chat after its last message',
		},
		{
			displayName: 'Save Chat',
			name: 'saveChat',
			type: 'boolean',
			default: false,
			description:
				'Whether to save the conversation in the user’s Glean chat history and return its chat ID. Always on when a Chat ID is given.',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeoutMillis',
			type: 'number',
			default: 60000,
			typeOptions: { minValue: 1, maxValue: 3600000 },
			description:
				'Glean stops and answers 408 when the answer takes longer than this (at most an hour); the node itself gives up a little later',
		},
		timezoneOffsetOption,
	]),
];

const displayOptions = { show: { resource: ['chat'], operation: ['sendMessage'] } };

export const description = updateDisplayOptions(displayOptions, properties);

interface RestrictionFilterValues {
	filters?: { containers?: string; datasourceInstances?: string; documents?: string };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const message = textParameter(this, itemIndex, 'message');
	if (message.trim() === '') {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: the "Message" parameter is empty`, {
			itemIndex,
			description:
				'Fill "Message" with the question for Glean, or map it from the input with an expression such as {{ $json.question }}. Nothing was sent to Glean.',
		});
	}
	const stream = this.getNodeParameter('stream', itemIndex, true) as boolean;
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	checkOptions(this, itemIndex, options);
	const session = sessionOf(options);
	const ask = async () => await askGlean.call(this, itemIndex, { message, stream, simplify, options, session });
	// Messages of one session go one at a time, in input order, whatever the Concurrency: each
	// continues the chat the one before it started (or was queued on). Nothing above awaits, so
	// items join their session's queue in the order the router starts them, which is input order.
	return session === undefined ? await ask() : await inSessionOrder(this, session.key, ask);
}

interface MessageRequest {
	message: string;
	stream: boolean;
	simplify: boolean;
	options: IDataObject;
	session?: { key: string; expiryMinutes: number };
}

/** Sends one message (continuing the session's chat when it has one) and reads Glean's answer. */
async function askGlean(
	this: IExecuteFunctions,
	itemIndex: number,
	{ message, stream, simplify, options, session }: MessageRequest,
): Promise<INodeExecutionData[]> {
	let chatId = textParameter(this, itemIndex, 'chatId').trim();
	const fromSession = chatId === '' && session !== undefined ? rememberedChat(this, session.key, session.expiryMinutes) : undefined;
	if (fromSession !== undefined) chatId = fromSession;

	const body = chatRequestBody(message, chatId, stream, options);
	// A session needs the chat saved, to get the chat ID that continues it.
	if (session !== undefined) body.saveChat = true;
	const call: GleanCall = {
		method: 'POST',
		endpoint: 'chat',
		body,
		qs: gleanQuery(this, options),
		actAs: options.actAs as string | undefined,
		retry: readRetryPolicy(this, itemIndex, options),
		// A saved message sent twice would appear twice in the chat.
		idempotent: body.saveChat !== true,
		notFound: notFoundHint(body, fromSession !== undefined),
		timeoutMillis: typeof options.timeoutMillis === 'number' ? options.timeoutMillis : undefined,
	};

	// Answer deltas are forwarded live only when n8n streams this run to its caller.
	// Anything quoted from Glean is shown without the token (the router redacts the output items).
	const token = await itemToken.call(this, itemIndex);
	const clean = (text: string) => redact(text, token);
	// Not as an agent's tool: the chat's user should see the agent's reply, not Glean's raw answer.
	const live: LiveDeltas | undefined =
		stream && this.isStreaming() && !runAsTool(this) ? { pending: [], redactor: new StreamRedactor(token) } : undefined;
	const aggregator = new ChatStreamAggregator({
		keepRaw: !simplify,
		onAnswerDelta: live
			? (text) => {
					const safe = live.redactor.push(text);
					if (safe !== '') live.pending.push(safe);
				}
			: undefined,
		cleanQuote: clean,
	});
	// The session keeps the chat it continued, or the new one Glean started; not a Chat ID given
	// for this message only.
	const remember = (answeredChatId: string | undefined) => {
		if (session !== undefined && (fromSession !== undefined || chatId === '') && answeredChatId) {
			rememberChat(this, session.key, answeredChatId, session.expiryMinutes);
		}
	};
	const response = await (
		stream
			? readStreamedAnswer.call(this, call, aggregator, live, clean, itemIndex)
			: gleanApiRequest.call(this, call, (statusCode) => (statusCode === 202 ? CHAT_QUEUED : CHAT_RESPONSE), itemIndex)
	).catch(async (error: unknown) => {
		// A remembered chat Glean no longer accepts (deleted, or another user's): the next message starts a new one.
		const status = (error as { httpCode?: string | null }).httpCode;
		if (session !== undefined && fromSession !== undefined && (status === '400' || status === '403' || status === '404')) {
			forgetChat(this, session.key);
		}
		return await Promise.reject(error);
	});

	if (response.statusCode === 202) {
		const queued = queuedItem(response.body ?? {}, chatId);
		remember(typeof queued.chatId === 'string' ? queued.chatId : undefined);
		return [{ json: queued }];
	}
	if (!stream) aggregator.addResponse(response.body ?? {});
	// A chat Glean started stays the session's, even when this answer failed: the next message continues it.
	remember(aggregator.chatIdOfAnswer ?? chatId);
	const failure = answerFailure(this.getNode(), itemIndex, aggregator, clean);
	if (failure !== undefined) throw failure;
	// An AI Agent calling Glean as a tool gets the answer and its sources, not progress steps.
	const answer = runAsTool(this) ? toolAnswer(aggregator.toSimplified()) : simplify ? aggregator.toSimplified() : aggregator.toRaw();
	return [{ json: answer as unknown as IDataObject }];
}

/**
 * Whether an AI Agent runs this node as its tool: n8n says so through isToolExecution() when it
 * calls the tool itself, and the tool variant n8n makes of the node (type `…gleanChatTool`) is
 * only ever run as a tool, also when n8n's engine runs it like a regular node.
 */
function runAsTool(context: IExecuteFunctions): boolean {
	return context.isToolExecution?.() === true || context.getNode().type.endsWith('gleanChatTool');
}

/**
 * What a model needs from Glean's answer: the text with numbered citation markers, and the
 * numbered sources with their links. Steps, follow-up prompts and timings would only fill the
 * agent's context.
 */
function toolAnswer(answer: SimplifiedChatAnswer): IDataObject {
	const result: IDataObject = {
		answer: answer.citations.length > 0 ? answer.markdown.slice(0, answer.markdown.lastIndexOf('\n\n**Sources**')) : answer.answer,
		sources: answer.citations.map((citation, index) => ({ number: index + 1, title: citation.title, url: citation.url })),
	};
	if (answer.chatId !== undefined) result.chatId = answer.chatId;
	return result;
}

/** What Glean's 404 means for this message: one of the IDs it names is unknown (none: no Glean API answered). */
function notFoundHint(body: IDataObject, chatFromSession: boolean): string | undefined {
	const named: string[] = [];
	if (typeof body.chatId === 'string') named.push(`chat "${body.chatId}"${chatFromSession ? ' (remembered for this Session Key; the next message starts a new chat)' : ''}`);
	if (typeof body.applicationId === 'string') named.push(`application "${body.applicationId}"`);
	if (typeof body.agentId === 'string') named.push(`agent "${body.agentId}"`);
	const fileIds = ((body.messages as IDataObject[] | undefined)?.[0]?.uploadedFileIds as string[] | undefined) ?? [];
	if (fileIds.length > 0) named.push(`file${fileIds.length > 1 ? 's' : ''} ${fileIds.map((id) => `"${id}"`).join(', ')}`);
	if (named.length === 0) return undefined;
	return `Glean does not know ${named.length > 1 ? 'one of these' : 'this'} for this user: ${named.join('; ')}. It may have been deleted, or belong to another user: check the ID, and the Act As user if you use a global token.`;
}

/** The item's session key and expiry, when the Session Key option is set and not empty. */
function sessionOf(options: IDataObject): { key: string; expiryMinutes: number } | undefined {
	const key = typeof options.sessionKey === 'string' || typeof options.sessionKey === 'number' ? String(options.sessionKey).trim() : '';
	if (key === '') return undefined;
	const expiryMinutes = typeof options.sessionExpiryMinutes === 'number' ? options.sessionExpiryMinutes : 60;
	return { key, expiryMinutes };
}

/** An hour: longer than any agent run, and far below what the timers can count. */
const MAX_TIMEOUT_MILLIS = 3_600_000;

/** Option values Glean would refuse or misread are errors before anything is sent. */
function checkOptions(context: IExecuteFunctions, itemIndex: number, options: IDataObject): void {
	const timeoutMillis = options.timeoutMillis;
	if (
		timeoutMillis !== undefined &&
		(typeof timeoutMillis !== 'number' || !Number.isInteger(timeoutMillis) || timeoutMillis < 1 || timeoutMillis > MAX_TIMEOUT_MILLIS)
	) {
		throw invalidOption(context, itemIndex, 'Timeout (Ms)', timeoutMillis, 'a whole number of milliseconds from 1 to 3600000 (an hour), e.g. 60000');
	}
	const expiry = options.sessionExpiryMinutes;
	if (expiry !== undefined && (typeof expiry !== 'number' || !Number.isFinite(expiry) || expiry <= 0)) {
		throw invalidOption(context, itemIndex, 'Session Expiry (Minutes)', expiry, 'a number of minutes above 0');
	}
	if (options.fileIds !== undefined && parseIdList(options.fileIds).length === 0) {
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: the "File IDs" option has no ID`, {
			itemIndex,
			description:
				'Give one file ID, a comma-separated list, or an array such as {{ $json.fileIds }}, or remove the option to ask without files. Nothing was sent to Glean.',
		});
	}
}

/** Maps the node's parameters onto Glean's ChatRequest. Only the new USER message is sent: with a chatId, Glean keeps the history. */
function chatRequestBody(message: string, chatId: string, stream: boolean, options: IDataObject): IDataObject {
	const userMessage: IDataObject = {
		author: 'USER',
		messageType: 'CONTENT',
		fragments: [{ text: message }],
	};
	const fileIds = parseIdList(options.fileIds);
	if (fileIds.length > 0) userMessage.uploadedFileIds = fileIds;

	const body: IDataObject = { messages: [userMessage], stream };
	if (chatId !== '') body.chatId = chatId;
	if (options.saveChat === true || chatId !== '') body.saveChat = true;

	const agentConfig: IDataObject = {};
	if (typeof options.agent === 'string' && options.agent !== '') agentConfig.agent = options.agent;
	if (typeof options.mode === 'string' && options.mode !== '') agentConfig.mode = options.mode;
	const toolSets: IDataObject = {};
	if (typeof options.enableWebSearch === 'boolean') toolSets.enableWebSearch = options.enableWebSearch;
	if (typeof options.enableCompanyTools === 'boolean') toolSets.enableCompanyTools = options.enableCompanyTools;
	if (Object.keys(toolSets).length > 0) agentConfig.toolSets = toolSets;
	if (Object.keys(agentConfig).length > 0) body.agentConfig = agentConfig;

	for (const field of ['agentId', 'applicationId'] as const) {
		const value = typeof options[field] === 'string' ? (options[field] as string).trim() : '';
		if (value !== '') body[field] = value;
	}
	if (typeof options.timeoutMillis === 'number') body.timeoutMillis = options.timeoutMillis;
	for (const kind of ['inclusions', 'exclusions'] as const) {
		const filters = restrictionFilterBody(options[kind] as RestrictionFilterValues | undefined);
		if (filters) body[kind] = filters;
	}
	return body;
}

function restrictionFilterBody(values: RestrictionFilterValues | undefined): IDataObject | undefined {
	const filters = values?.filters;
	if (!filters) return undefined;
	const result: IDataObject = {};
	const instances = parseIdList(filters.datasourceInstances);
	if (instances.length > 0) result.datasourceInstances = instances;
	const documents = parseIdList(filters.documents).map(documentSpec);
	if (documents.length > 0) result.documentSpecs = documents;
	const containers = parseIdList(filters.containers).map(documentSpec);
	if (containers.length > 0) result.containerSpecs = containers;
	return Object.keys(result).length > 0 ? result : undefined;
}

/** Glean's DocumentSpec names a document by URL or by ID. */
function documentSpec(idOrUrl: string): IDataObject {
	return /^https?:\/\//i.test(idOrUrl) ? { url: idOrUrl } : { id: idOrUrl };
}

function queuedItem(body: Record<string, unknown>, requestedChatId: string): IDataObject {
	const item: IDataObject = { queued: true };
	const chatId = typeof body.chatId === 'string' && body.chatId !== '' ? body.chatId : requestedChatId;
	if (chatId !== '') item.chatId = chatId;
	if (body.queuedRequestId !== undefined) item.queuedRequestId = body.queuedRequestId;
	if (body.isSavedToChatHistory !== undefined) item.isSavedToChatHistory = body.isSavedToChatHistory;
	return item;
}
