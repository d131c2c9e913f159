import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { gleanApiRequest } from '../../transport';
import { actAsOption, gleanQuery, localeOption, optionsCollection, timezoneOffsetOption } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Application ID',
		name: 'applicationId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the Glean chat application (AI App), as set up by your Glean admin',
	},
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['application'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const applicationId = String(this.getNodeParameter('applicationId', itemIndex, '')).trim();
	if (applicationId === '') {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: the "Application ID" parameter is empty`, {
			itemIndex,
			description: 'Fill "Application ID" with the ID of a Glean chat application. Nothing was sent to Glean.',
		});
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { body } = await gleanApiRequest.call(
		this,
		{
			method: 'POST',
			endpoint: 'getchatapplication',
			body: { id: applicationId },
			qs: gleanQuery(this, options),
			actAs: options.actAs as string | undefined,
		},
		itemIndex,
	);
	const application = ((body || {}) as { application?: IDataObject }).application ?? {};
	return [{ json: application }];
}
