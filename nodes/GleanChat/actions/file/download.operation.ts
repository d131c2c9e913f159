import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { gleanApiBinaryRequest, headerValue } from '../../transport';
import {
	actAsOption,
	optionsCollection,
	readRetryPolicy,
	requiredText,
	textParameter,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'File ID',
		name: 'fileId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. FILE_123',
		description: 'ID of the chat file to download',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		description: 'Binary field of the output item that receives the file',
	},
	// chat-files takes no timezoneOffset or locale in Glean's spec.
	optionsCollection([actAsOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['download'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const fileId = requiredText(
		this,
		itemIndex,
		'fileId',
		'File ID',
		'Fill "File ID", e.g. {{ $json.fileIds[0] }}.',
	);
	const binaryPropertyName =
		textParameter(this, itemIndex, 'binaryPropertyName', 'data').trim() || 'data';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const response = await gleanApiBinaryRequest.call(
		this,
		{
			method: 'GET',
			endpoint: `chat-files/${encodeURIComponent(fileId)}`,
			actAs: options.actAs as string | undefined,
			retry: readRetryPolicy(this, itemIndex, options),
			notFound: `Glean has no file "${fileId}" for this user: it was deleted, or uploaded by another user. Check the File ID, and the Act As user if you use a global token.`,
		},
		itemIndex,
	);
	const mimeType = headerValue(response.headers, 'content-type')?.split(';')[0].trim() || undefined;
	const fileName = fileNameFrom(headerValue(response.headers, 'content-disposition')) ?? fileId;
	const input = this.getInputData()[itemIndex];
	const binaryData = await this.helpers.prepareBinaryData(response.body, fileName, mimeType);
	return [
		{
			json: { ...(input?.json ?? {}) },
			binary: { ...(input?.binary ?? {}), [binaryPropertyName]: binaryData },
		},
	];
}

/** The file name of a Content-Disposition header (RFC 6266: `filename*` wins over `filename`). */
function fileNameFrom(disposition: string | undefined): string | undefined {
	if (!disposition) return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
	if (extended) {
		try {
			return decodeURIComponent(extended[2].trim());
		} catch {
			// Fall through to the plain parameter.
		}
	}
	const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(disposition);
	const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
	return name || undefined;
}
