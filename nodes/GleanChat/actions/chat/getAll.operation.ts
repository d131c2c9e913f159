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
	localeOption,
	optionsCollection,
	readLimit,
	returnAllProperties,
	timezoneOffsetOption,
} from '../common';

const properties: INodeProperties[] = [
	...returnAllProperties,
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
	const limit = readLimit(this, itemIndex);

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
		if (chats.length >= limit) break;
		const chat: IDataObject = { ...(result.chat ?? {}) };
		if (result.trackingToken !== undefined) chat.trackingToken = result.trackingToken;
		chats.push({ json: chat });
	}
	return chats;
}
