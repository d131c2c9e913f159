import type { IDataObject, IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import type { GleanAnswerShape } from '../helpers/gleanShapes';
import { parseIdList } from '../helpers/idList';
import { timezoneOffsetMinutes } from '../helpers/timezone';
import type { GleanResponse } from '../transport';
import { gleanApiRequest, operationError } from '../transport';
import { readRetryPolicy } from './options';

/**
 * What operations share besides their options (options.ts, re-exported here): the item's query
 * parameters, the JSON call with the item's options applied, and reading required parameters.
 */

export * from './options';

/** The `timezoneOffset` and `locale` query parameters Glean's endpoints take. */
export function gleanQuery(context: IExecuteFunctions, options: IDataObject): IDataObject {
	return {
		timezoneOffset:
			typeof options.timezoneOffset === 'number'
				? options.timezoneOffset
				: timezoneOffsetMinutes(context.getTimezone()),
		locale: options.locale,
	};
}

/** A POST to one of Glean's JSON endpoints, as an operation states it. */
export interface JsonCall {
	/** Path under /rest/api/v1, e.g. `listchats`. */
	endpoint: string;
	/** The answer Glean sends; a body that is not this fails the item. */
	shape: GleanAnswerShape;
	body?: IDataObject | FormData;
	/** What a 404 means here (e.g. an unknown chat ID); without it, that no Glean API answered. */
	notFound?: string;
}

/**
 * A JSON call with the item's shared options applied (query parameters, Act As, Retry): what
 * every operation but Send Message and Download does. The body is Glean's checked answer.
 */
export async function callGleanWithOptions(
	this: IExecuteFunctions,
	itemIndex: number,
	{ endpoint, shape, body, notFound }: JsonCall,
): Promise<GleanResponse<Record<string, unknown> | undefined>> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return await gleanApiRequest.call(
		this,
		{
			method: 'POST',
			endpoint,
			body,
			qs: gleanQuery(this, options),
			actAs: options.actAs as string | undefined,
			retry: readRetryPolicy(this, itemIndex, options),
			notFound,
		},
		shape,
		itemIndex,
	);
}

/** A text parameter as a string: an expression that gives nothing (e.g. a missing field) is '', never "undefined". */
export function textParameter(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	fallback = '',
): string {
	const value = context.getNodeParameter(name, itemIndex, fallback) as unknown;
	return value === undefined || value === null ? '' : String(value);
}

/** A required text parameter, trimmed; empty is an error naming the item and the parameter. */
export function requiredText(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	displayName: string,
	fix: string,
): string {
	const value = textParameter(context, itemIndex, name).trim();
	if (value === '')
		throw emptyParameterError(context, itemIndex, displayName, `${fix} Nothing was sent to Glean.`);
	return value;
}

/** The error for a parameter left empty: names the item and the parameter; `description` says the fix. */
export function emptyParameterError(
	context: IExecuteFunctions,
	itemIndex: number,
	displayName: string,
	description: string,
): NodeOperationError {
	return operationError(
		context.getNode(),
		`Item ${itemIndex}: the "${displayName}" parameter is empty`,
		{ itemIndex, description },
	);
}

/**
 * A parameter holding IDs (one, a comma-separated list, or an array from an expression), empty
 * entries dropped; none at all is an error naming the item and the parameter.
 */
export function requiredIds(
	context: IExecuteFunctions,
	itemIndex: number,
	{ name, displayName, what }: { name: string; displayName: string; what: string },
): string[] {
	const ids = parseIdList(context.getNodeParameter(name, itemIndex, ''));
	if (ids.length > 0) return ids;
	throw operationError(
		context.getNode(),
		`Item ${itemIndex}: the "${displayName}" parameter has no ID`,
		{
			itemIndex,
			description: `Give one ${what} ID, a comma-separated list, or an array such as {{ $json.${name} }}. Nothing was sent to Glean.`,
		},
	);
}

/**
 * Whether n8n streams this run to its chat (a Chat Trigger or Webhook set to stream). n8n 1.x
 * has no isStreaming() where it runs a node as an AI Agent's tool (its SupplyDataContext), and
 * never streams a tool's answer there: false.
 */
export function isStreaming(context: IExecuteFunctions): boolean {
	return typeof context.isStreaming === 'function' && context.isStreaming();
}

/**
 * Whether an AI Agent runs this node as its tool: n8n says so through isToolExecution() when it
 * calls the tool itself, and the tool variant n8n makes of the node (type `…gleanChatTool`) is
 * only ever run as a tool, also when n8n's engine runs it like a regular node.
 */
export function runAsTool(context: IExecuteFunctions): boolean {
	return context.isToolExecution?.() === true || context.getNode().type.endsWith('gleanChatTool');
}
