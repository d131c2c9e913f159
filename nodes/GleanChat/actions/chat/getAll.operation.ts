import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { LIST_CHATS_RESPONSE } from '../../helpers/gleanShapes';
import {
	actAsOption,
	callGleanWithOptions,
	invalidOption,
	localeOption,
	optionsCollection,
	timezoneOffsetOption,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['getAll'] } },
	properties,
);

interface ListChatsResponse {
	chatResults?: Array<{ chat?: IDataObject; trackingToken?: string }>;
	cursor?: string;
}

/** One item per saved chat, its metadata flattened (id, name, createTime, updateTime, applicationId on top). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as unknown);
	if (limit !== Infinity && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
		throw invalidOption(
			this,
			itemIndex,
			'Limit',
			limit,
			'a whole number, 1 or more (or turn on "Return All")',
		);
	}

	// listchats has no request body in Glean's spec, so no field can take the `cursor` it
	// returns: one call returns everything Glean gives. If Glean adds a cursor field, send
	// `page.cursor` back here in a loop until it comes back empty.
	const { body } = await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'listchats',
		shape: LIST_CHATS_RESPONSE,
	});
	const page = (body || {}) as ListChatsResponse;
	const chats: INodeExecutionData[] = [];
	for (const result of page.chatResults ?? []) {
		if (chats.length >= (limit as number)) break;
		const chat: IDataObject = { ...(result.chat ?? {}) };
		if (result.trackingToken !== undefined) chat.trackingToken = result.trackingToken;
		chats.push({ json: chat });
	}
	return chats;
}
