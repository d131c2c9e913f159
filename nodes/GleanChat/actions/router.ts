import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as agent from './agent';
import * as application from './application';
import * as chat from './chat';
import * as file from './file';
import type { ItemPlace, Secrets } from '../transport';
import { itemSecrets, operationError, redact, redactDeep, withItemPlaces } from '../transport';
import { invalidOption, isStreaming, MAX_CONCURRENCY } from './common';
import { runItems } from './itemPool';
import type { GleanChatOperations, GleanChatResource } from './node.type';

type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

/** What n8n adds to Resource and Operation for nodes with an OAuth2 credential (n8n's CUSTOM_API_CALL_KEY). */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/** An operation as the router runs it. */
interface Operation {
	execute: OperationExecute;
	/** Items with the same key run one after another, in input order (Send Message: the Session Key). */
	orderingKey?: (this: IExecuteFunctions, itemIndex: number) => string | undefined;
}

const operations: { [R in GleanChatResource]: Record<GleanChatOperations[R], Operation> } = {
	chat: {
		sendMessage: chat.sendMessage,
		getAll: chat.getAll,
		get: chat.get,
		delete: chat.delete,
		deleteAll: chat.deleteAll,
	},
	file: {
		upload: file.upload,
		get: file.get,
		delete: file.delete,
		download: file.download,
	},
	application: { get: application.get },
	agent: {
		run: agent.run,
		search: agent.search,
		get: agent.get,
		getSchemas: agent.getSchemas,
	},
};

/**
 * Owns the item loop: runs the chosen operation once per input item (up to "Concurrency" at a
 * time), keeps the outputs in input order, pairs every output with its input, and turns
 * failures into error items when "Continue On Fail" is on. Operations hold none of that.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as GleanChatResource;
	// With resource "Custom API Call" there is no operation parameter.
	const operation = this.getNodeParameter('operation', 0, '') as string;
	const chosen = (operations[resource] as Record<string, Operation> | undefined)?.[operation];
	let concurrency: number;
	try {
		if ((resource as string) === CUSTOM_API_CALL || operation === CUSTOM_API_CALL) {
			throw operationError(this.getNode(), 'Glean Chat does not make custom API calls', {
				description:
					'n8n offers "Custom API Call" for nodes with an OAuth2 credential. To call another Glean endpoint, use the HTTP Request node: Authentication "Predefined Credential Type", then this Glean credential.',
			});
		}
		if (chosen === undefined) {
			throw operationError(
				this.getNode(),
				`The operation "${operation}" of resource "${resource}" is not supported by this version of Glean Chat`,
			);
		}
		concurrency = readConcurrency(this);
	} catch (error) {
		throw isStreaming(this) ? withReasonForChat(error as Error) : error;
	}
	const keyOf = (itemIndex: number) => orderingKey(this, chosen, itemIndex);
	// An item waiting to try again lends its place, except in a streamed run: its answer would
	// reach n8n's chat after the next item's.
	const lending = !isStreaming(this);
	const places = new Map<number, ItemPlace>();
	const outputs = await withItemPlaces(
		this,
		(itemIndex) => (lending ? places.get(itemIndex) : undefined),
		async () =>
			await runItems(items.length, concurrency, keyOf, async (itemIndex, place) => {
				places.set(itemIndex, place);
				try {
					return await runItem.call(this, chosen.execute, itemIndex);
				} finally {
					places.delete(itemIndex);
				}
			}),
	);
	return [outputs.flat()];
}

/**
 * One item through its operation: its outputs paired with it and without the token; a failure
 * as an error item with Continue On Fail, else thrown with the item's index and without the token.
 */
async function runItem(
	this: IExecuteFunctions,
	execute: OperationExecute,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	try {
		const results = await execute.call(this, itemIndex);
		// Glean's answers are shown as they are, but never with the token in them.
		const token = await itemSecrets.call(this, itemIndex);
		return results.map((result) => ({
			...result,
			json: redactDeep(result.json, token),
			pairedItem: { item: itemIndex },
		}));
	} catch (error) {
		const token = await itemSecrets.call(this, itemIndex);
		if (this.continueOnFail()) {
			return [{ json: redactDeep(errorItemJson(error), token), pairedItem: { item: itemIndex } }];
		}
		const failure = redactError(withItemIndex(this, error, itemIndex), token);
		throw isStreaming(this) ? withReasonForChat(failure) : failure;
	}
}

/** The item's ordering key; a parameter it cannot read leaves it unordered (its run reports the problem). */
function orderingKey(
	context: IExecuteFunctions,
	operation: Operation,
	itemIndex: number,
): string | undefined {
	try {
		return operation.orderingKey?.call(context, itemIndex);
	} catch {
		return undefined;
	}
}

/**
 * "Concurrency" is one setting for the whole node run, read from the first item. When n8n
 * streams the run to a chat, items go one at a time: n8n's chat shows the pieces of a node's
 * stream as one message, so parallel answers would be mixed together.
 */
function readConcurrency(context: IExecuteFunctions): number {
	const value = context.getNodeParameter('options.concurrency', 0, 1) as unknown;
	if (
		typeof value !== 'number' ||
		!Number.isInteger(value) ||
		value < 1 ||
		value > MAX_CONCURRENCY
	) {
		throw invalidOption(
			context,
			0,
			'Concurrency',
			value,
			`a whole number from 1 to ${MAX_CONCURRENCY}`,
		);
	}
	return isStreaming(context) ? 1 : value;
}

/** The last guard on a failing item: its message, description and partial answer without the token. */
function redactError(error: Error, token: Secrets): Error {
	error.message = redact(error.message, token);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) error.description = redact(error.description, token);
		// n8n keeps a message it rewrote in `messages`, shown in the editor's error details.
		error.messages = error.messages.map((message) => redact(message, token));
		// Saved with the run: the partial answer, and what n8n kept of Glean's reply.
		error.context = redactDeep(error.context, token);
		if (error instanceof NodeApiError && error.errorResponse)
			error.errorResponse = redactDeep(error.errorResponse, token);
	}
	return error;
}

/**
 * When a run streamed to a chat fails, n8n-core sends the chat one `error` chunk whose content is
 * the error's description (WorkflowExecute.handleNodeExecutionError), and the node sends none of
 * its own, so the chat shows the failure once. The description then starts with the reason.
 */
function withReasonForChat(error: Error): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = error.description
			? `${error.message}\n\n${error.description}`
			: error.message;
	}
	return error;
}

function errorItemJson(error: unknown): IDataObject {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const json: IDataObject = { error: error.message };
		if (error.description) json.description = error.description;
		if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
		if (error.context.partial === true) {
			json.partial = true;
			json.partialAnswer = error.context.partialAnswer as IDataObject;
		}
		return json;
	}
	return { error: error instanceof Error ? error.message : String(error) };
}

function withItemIndex(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error instanceof Error ? error : String(error), {
		itemIndex,
	});
}
