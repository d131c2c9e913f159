import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseIdList } from '../../../helpers/idList';
import type { GleanCall } from '../../../transport';
import { operationError } from '../../../transport';
import {
	emptyParameterError,
	gleanQuery,
	invalidOption,
	readRetryPolicy,
	readTimeoutMillis,
	textParameter,
} from '../../common';

/**
 * From the node's parameters to Glean's ChatRequest: reading and checking one item's message
 * and options (nothing is sent when they cannot work), and building the call.
 */

/** One item's message and the options it is sent with. */
export interface MessageRequest {
	message: string;
	stream: boolean;
	simplify: boolean;
	options: IDataObject;
	/** The Session Key and its expiry, when the option is set and not empty. */
	session?: { key: string; expiryMinutes: number };
}

interface RestrictionFilterValues {
	filters?: { containers?: string; datasourceInstances?: string; documents?: string };
}

/**
 * The item's message and options, checked.
 * @throws NodeOperationError naming the item, the parameter and the fix: an empty message, an
 * option Glean would refuse or misread.
 */
export function readMessageRequest(context: IExecuteFunctions, itemIndex: number): MessageRequest {
	const message = textParameter(context, itemIndex, 'message');
	if (message.trim() === '') {
		throw emptyParameterError(
			context,
			itemIndex,
			'Message',
			'Fill "Message" with the question for Glean, or map it from the input with an expression such as {{ $json.question }}. Nothing was sent to Glean.',
		);
	}
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	checkOptions(context, itemIndex, options);
	return {
		message,
		stream: context.getNodeParameter('stream', itemIndex, true) as boolean,
		simplify: context.getNodeParameter('simplify', itemIndex, true) as boolean,
		options,
		session: sessionOf(options),
	};
}

/**
 * The call that sends `request` in the chat `chatId` ('' for a new one); a session's messages
 * are always saved, to get the chat ID that continues it.
 */
export function chatCall(
	context: IExecuteFunctions,
	itemIndex: number,
	{ message, stream, options, session }: MessageRequest,
	{ chatId, fromSession }: { chatId: string; fromSession: boolean },
): GleanCall {
	const body = chatRequestBody(message, chatId, stream, options);
	if (session !== undefined) body.saveChat = true;
	return {
		method: 'POST',
		endpoint: 'chat',
		body,
		qs: gleanQuery(context, options),
		actAs: options.actAs as string | undefined,
		retry: readRetryPolicy(context, itemIndex, options),
		// A saved message sent twice would appear twice in the chat.
		idempotent: body.saveChat !== true,
		notFound: notFoundHint(body, fromSession),
		timeoutMillis: typeof options.timeoutMillis === 'number' ? options.timeoutMillis : undefined,
	};
}

/** The item's session key and expiry, when the Session Key option is set and not empty. */
export function sessionOf(
	options: IDataObject,
): { key: string; expiryMinutes: number } | undefined {
	const key =
		typeof options.sessionKey === 'string' || typeof options.sessionKey === 'number'
			? String(options.sessionKey).trim()
			: '';
	if (key === '') return undefined;
	const expiryMinutes =
		typeof options.sessionExpiryMinutes === 'number' ? options.sessionExpiryMinutes : 60;
	return { key, expiryMinutes };
}

/** Option values Glean would refuse or misread are errors before anything is sent. */
function checkOptions(context: IExecuteFunctions, itemIndex: number, options: IDataObject): void {
	readTimeoutMillis(context, itemIndex, options);
	const expiry = options.sessionExpiryMinutes;
	if (
		expiry !== undefined &&
		(typeof expiry !== 'number' || !Number.isFinite(expiry) || expiry <= 0)
	) {
		throw invalidOption(
			context,
			itemIndex,
			'Session Expiry (Minutes)',
			expiry,
			'a number of minutes above 0',
		);
	}
	if (options.fileIds !== undefined && parseIdList(options.fileIds).length === 0) {
		throw operationError(context.getNode(), `Item ${itemIndex}: the "File IDs" option has no ID`, {
			itemIndex,
			description:
				'Give one file ID, a comma-separated list, or an array such as {{ $json.fileIds }}, or remove the option to ask without files. Nothing was sent to Glean.',
		});
	}
}

/** Maps the node's parameters onto Glean's ChatRequest. Only the new USER message is sent: with a chatId, Glean keeps the history. */
function chatRequestBody(
	message: string,
	chatId: string,
	stream: boolean,
	options: IDataObject,
): IDataObject {
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
	if (typeof options.enableWebSearch === 'boolean')
		toolSets.enableWebSearch = options.enableWebSearch;
	if (typeof options.enableCompanyTools === 'boolean')
		toolSets.enableCompanyTools = options.enableCompanyTools;
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

function restrictionFilterBody(
	values: RestrictionFilterValues | undefined,
): IDataObject | undefined {
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

/** What Glean's 404 means for this message: one of the IDs it names is unknown (none: no Glean API answered). */
function notFoundHint(body: IDataObject, chatFromSession: boolean): string | undefined {
	const named: string[] = [];
	if (typeof body.chatId === 'string')
		named.push(
			`chat "${body.chatId}"${chatFromSession ? ' (remembered for this Session Key; the next message starts a new chat)' : ''}`,
		);
	if (typeof body.applicationId === 'string') named.push(`application "${body.applicationId}"`);
	if (typeof body.agentId === 'string') named.push(`agent "${body.agentId}"`);
	const fileIds =
		((body.messages as IDataObject[] | undefined)?.[0]?.uploadedFileIds as string[] | undefined) ??
		[];
	if (fileIds.length > 0)
		named.push(`file${fileIds.length > 1 ? 's' : ''} ${fileIds.map((id) => `"${id}"`).join(', ')}`);
	if (named.length === 0) return undefined;
	return `Glean does not know ${named.length > 1 ? 'one of these' : 'this'} for this user: ${named.join('; ')}. It may have been deleted, or belong to another user: check the ID, and the Act As user if you use a global token.`;
}
