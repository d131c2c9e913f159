import type { INodeProperties } from 'n8n-workflow';

import * as del from './delete.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as upload from './upload.operation';

export { del as delete, download, get, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete files',
				description: 'Delete uploaded chat files',
			},
			{
				name: 'Download',
				value: 'download',
				action: 'Download a file',
				description: 'Download a chat file as binary data',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get files',
				description: 'Get the details and status of chat files',
			},
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload files',
				description: 'Upload files for Glean chat to answer questions about',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
	...del.description,
	...download.description,
];
