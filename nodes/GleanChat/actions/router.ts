import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as application from './application';
import * as chat from './chat';
import * as file from './file';
import { itemToken, redact, redactDeep } from '../transport';
import type { GleanChatOperations, GleanChatResource } from './node.type';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const operations: { [R in GleanChatResource]: Record<GleanChatOperations[R], OperationExecute> } = {
	chat: {
		sendMessage: chat.sendMessage.execute,
		getAll: chat.getAll.execute,
		get: chat.get.execute,
		delete: chat.delete.execute,
		deleteAll: chat.deleteAll.execute,
	},
	file: {
		upload: file.upload.execute,
		get: file.get.execute,
		delete: file.delete.execute,
		download: file.download.execute,
	},
	application: { get: application.get.execute },
};

/**
 * Owns the item loop: runs the chosen operation once per input item, pairs every output with
 * its input, and turns failures into error items when "Continue On Fail" is on. Operations
 * hold none of that.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as GleanChatResource;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = (operations[resource] as Record<string, OperationExecute> | undefined)?.[operation];
	if (execute === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported by this version of Glean Chat`,
		);
	}

	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await execute.call(this, itemIndex);
			// Glean's answers are shown as they are, but never with the token in them.
			const token = await itemToken.call(this, itemIndex);
			for (const result of results) {
				returnData.push({ ...result, json: redactDeep(result.json, token), pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const token = await itemToken.call(this, itemIndex);
			if (this.continueOnFail()) {
				returnData.push({ json: redactDeep(errorItemJson(error), token), pairedItem: { item: itemIndex } });
				continue;
			}
			throw redactError(withItemIndex(this, error, itemIndex), token);
		}
	}
	return [returnData];
}

/** The last guard on a failing item: its message, description and partial answer without the token. */
function redactError(error: Error, token: string): Error {
	error.message = redact(error.message, token);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) error.description = redact(error.description, token);
		if (error.context.partialAnswer !== undefined) error.context.partialAnswer = redactDeep(error.context.partialAnswer, token);
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
