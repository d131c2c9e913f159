import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { UPLOAD_CHAT_FILES_RESPONSE } from '../../helpers/gleanShapes';
import type { GleanChatFile } from '../../helpers/gleanTypes';
import {
	actAsOption,
	emptyParameterError,
	callGleanWithOptions,
	localeOption,
	optionsCollection,
	textParameter,
	timezoneOffsetOption,
} from '../common';
import { chatFileItem } from './chatFile';
import { operationError } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data, attachment',
		hint: 'The name of the input binary field containing the file to upload; comma-separated for several files',
		description:
			'Binary field(s) of the input item to upload, e.g. "data" or "report, appendix". Each becomes one file in Glean.',
	},
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

/** Glean's product limits for chat files. */
export const MAX_FILES_PER_UPLOAD = 5;
export const MIN_FILE_BYTES = 1024;
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const form = await uploadForm(this, itemIndex, binaryFieldNames(this, itemIndex));
	const { body } = await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'uploadchatfiles',
		shape: UPLOAD_CHAT_FILES_RESPONSE,
		body: form,
	});
	const uploaded = ((body || {}) as { files?: Array<GleanChatFile | null> }).files ?? [];
	const files = uploaded
		.filter((file): file is GleanChatFile => !!file && typeof file === 'object')
		.map((file) => chatFileItem(file));
	const fileIds = files
		.map((file) => file.id)
		.filter((id): id is string => typeof id === 'string' && id !== '');
	return [{ json: { files, fileIds } }];
}

/** The item's binary field names, one to five of them (Glean's limit per upload). */
function binaryFieldNames(context: IExecuteFunctions, itemIndex: number): string[] {
	const names = textParameter(context, itemIndex, 'binaryPropertyName', 'data')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	if (names.length === 0) {
		throw emptyParameterError(
			context,
			itemIndex,
			'Input Binary Field',
			'Name the binary field(s) holding the files, e.g. "data". Nothing was sent to Glean.',
		);
	}
	if (names.length > MAX_FILES_PER_UPLOAD) {
		throw operationError(
			context.getNode(),
			`Item ${itemIndex}: "Input Binary Field" names ${names.length} files, but Glean takes at most ${MAX_FILES_PER_UPLOAD} in one upload`,
			{
				itemIndex,
				description: `Upload at most ${MAX_FILES_PER_UPLOAD} files per item: split the fields over several items (e.g. with a Split Out node). Nothing was sent to Glean.`,
			},
		);
	}
	return names;
}

/** The files of the item's binary fields as Glean's multipart form: one part named `files` per file. */
async function uploadForm(
	context: IExecuteFunctions,
	itemIndex: number,
	names: string[],
): Promise<FormData> {
	const binary = context.getInputData()[itemIndex]?.binary ?? {};
	const form = new FormData();
	for (const name of names) {
		const file = binary[name];
		if (!file) {
			const available = Object.keys(binary);
			throw operationError(context.getNode(), `Item ${itemIndex} has no binary field "${name}"`, {
				itemIndex,
				description:
					available.length > 0
						? `Set "Input Binary Field" to one of the item's binary fields: ${available.join(', ')}. Nothing was sent to Glean.`
						: 'The item has no binary data at all. Add a node that reads or downloads the file before Glean Chat. Nothing was sent to Glean.',
			});
		}
		// Refuse an oversized file before loading it when n8n knows its size.
		if (typeof file.bytes === 'number') checkFileSize(context, itemIndex, name, file.bytes);
		// Works for every binary data mode (in memory, filesystem, S3): n8n fetches the bytes.
		const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, name);
		checkFileSize(context, itemIndex, name, bytes.length);
		const mimeType = file.mimeType || 'application/octet-stream';
		form.append('files', new Blob([bytes], { type: mimeType }), file.fileName ?? name);
	}
	return form;
}

function checkFileSize(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	size: number,
): void {
	const problem =
		size === 0
			? 'is empty'
			: size < MIN_FILE_BYTES
				? `has ${size} bytes, less than Glean's minimum of 1 KB (${MIN_FILE_BYTES} bytes)`
				: size > MAX_FILE_BYTES
					? `has ${(size / 1024 / 1024).toFixed(1)} MB, more than Glean's limit of 64 MB (${MAX_FILE_BYTES} bytes)`
					: undefined;
	if (problem === undefined) return;
	throw operationError(
		context.getNode(),
		`Item ${itemIndex}: the file in binary field "${name}" ${problem}`,
		{
			itemIndex,
			description: `Glean accepts chat files from 1 KB to 64 MB. Check the node that produced "${name}"${size > MAX_FILE_BYTES ? ', or split the document' : ''}. Nothing was sent to Glean.`,
		},
	);
}
