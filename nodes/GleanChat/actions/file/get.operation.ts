import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { GET_CHAT_FILES_RESPONSE } from '../../helpers/gleanShapes';
import type { GleanChatFile } from '../../helpers/gleanTypes';
import {
	actAsOption,
	callGleanWithOptions,
	localeOption,
	optionsCollection,
	timezoneOffsetOption,
} from '../common';
import { chatFileItem } from './chatFile';
import { FILE_NOT_FOUND, fileIdsParameter, readFileIds } from './fileIds';

const properties: INodeProperties[] = [
	fileIdsParameter,
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['get'] } },
	properties,
);

/** One item per file: Glean answers with a map keyed by file ID. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const fileIds = readFileIds(this, itemIndex);
	const { body } = await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'getchatfiles',
		shape: GET_CHAT_FILES_RESPONSE,
		body: { fileIds },
		notFound: FILE_NOT_FOUND,
	});
	const files = ((body || {}) as { files?: Record<string, GleanChatFile> }).files ?? {};
	return Object.entries(files)
		.filter(([, file]) => !!file && typeof file === 'object')
		.map(([id, file]) => ({ json: chatFileItem(file, file.id ?? id) }));
}
