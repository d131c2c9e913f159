import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { gleanApiRequest } from '../../transport';
import { actAsOption, gleanQuery, localeOption, optionsCollection, timezoneOffsetOption } from '../common';
import { fileIdsParameter, readFileIds } from './fileIds';

const properties: INodeProperties[] = [
	fileIdsParameter,
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const fileIds = readFileIds(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	await gleanApiRequest.call(
		this,
		{
			method: 'POST',
			endpoint: 'deletechatfiles',
			body: { fileIds },
			qs: gleanQuery(this, options),
			actAs: options.actAs as string | undefined,
		},
		itemIndex,
	);
	return [{ json: { deleted: true, fileIds } }];
}
