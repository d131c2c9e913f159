import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { EMPTY_RESPONSE } from '../../helpers/gleanShapes';
import {
	actAsOption,
	callGleanWithOptions,
	localeOption,
	optionsCollection,
	timezoneOffsetOption,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName:
			'This deletes every saved Glean chat of the token’s user (or of the Act As user, for a global token), with all their messages. It cannot be undone.',
		name: 'deleteAllNotice',
		type: 'notice',
		default: '',
	},
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['deleteAll'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'deleteallchats',
		shape: EMPTY_RESPONSE,
	});
	return [{ json: { deleted: true, allChats: true } }];
}
