import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { gleanApiRequest } from '../../transport';
import { actAsOption, gleanQuery, localeOption, optionsCollection, timezoneOffsetOption } from '../common';

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

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['deleteAll'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	await gleanApiRequest.call(
		this,
		{ method: 'POST', endpoint: 'deleteallchats', qs: gleanQuery(this, options), actAs: options.actAs as string | undefined },
		itemIndex,
	);
	return [{ json: { deleted: true, allChats: true } }];
}
