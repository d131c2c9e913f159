import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { EMPTY_RESPONSE } from '../../helpers/gleanShapes';
import {
	actAsOption,
	callGleanWithOptions,
	localeOption,
	optionsCollection,
	requiredIds,
	timezoneOffsetOption,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Chat IDs',
		name: 'chatIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. chat-1, chat-2',
		description: 'One chat ID, a comma-separated list, or an array from an expression',
	},
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['delete'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const chatIds = requiredIds(this, itemIndex, {
		name: 'chatIds',
		displayName: 'Chat IDs',
		what: 'chat',
	});
	await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'deletechats',
		shape: EMPTY_RESPONSE,
		body: { ids: chatIds },
		notFound:
			'Glean does not know one of these chats for this user. Check the Chat IDs, and the Act As user if you use a global token.',
	});
	return [{ json: { deleted: true, chatIds } }];
}
