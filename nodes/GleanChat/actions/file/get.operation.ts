import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { GleanChatFile } from '../../helpers/gleanTypes';
import { gleanApiRequest } from '../../transport';
import { actAsOption, gleanQuery, localeOption, optionsCollection, timezoneOffsetOption } from '../common';
import { chatFileItem } from './chatFile';
import { fileIdsParameter, readFileIds } from './fileIds';

const properties: INodeProperties[] = [
	fileIdsParameter,
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['get'] } }, properties);

/** One item per file: Glean answers with a map keyed by file ID. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const fileIds = readFileIds(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { body } = await gleanApiRequest.call(
		this,
		{
			method: 'POST',
			endpoint: 'getchatfiles',
			body: { fileIds },
			qs: gleanQuery(this, options),
			actAs: options.actAs as string | undefined,
		},
		itemIndex,
	);
	const files = ((body || {}) as { files?: Record<string, GleanChatFile> }).files ?? {};
	return Object.entries(files).map(([id, file]) => ({ json: chatFileItem(file, file.id ?? id) }));
}
