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
import { FILE_NOT_FOUND, fileIdsParameter, readFileIds } from './fileIds';

const properties: INodeProperties[] = [
	fileIdsParameter,
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['delete'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const fileIds = readFileIds(this, itemIndex);
	await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'deletechatfiles',
		shape: EMPTY_RESPONSE,
		body: { fileIds },
		notFound: FILE_NOT_FOUND,
	});
	return [{ json: { deleted: true, fileIds } }];
}
