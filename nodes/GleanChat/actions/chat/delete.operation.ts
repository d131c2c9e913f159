import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { EMPTY_RESPONSE } from '../../helpers/gleanShapes';
import { parseIdList } from '../../helpers/idList';
import {
	actAsOption,
	callGleanWithOptions,
	localeOption,
	optionsCollection,
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
	const chatIds = parseIdList(this.getNodeParameter('chatIds', itemIndex, ''));
	if (chatIds.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: the "Chat IDs" parameter has no ID`,
			{
				itemIndex,
				description:
					'Give one chat ID, a comma-separated list, or an array such as {{ $json.chatIds }}. Nothing was sent to Glean.',
			},
		);
	}
	await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'deletechats',
		shape: EMPTY_RESPONSE,
		body: { ids: chatIds },
		notFound:
			'Glean does not know one of these chats for this user. Check the Chat IDs, and the Act As user if you use a global token.',
	});
	return [{ json: { deleted: true, chatIds } }];
}
