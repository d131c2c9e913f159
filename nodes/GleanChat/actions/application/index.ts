import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['application'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a chat application',
				description: 'Get the configuration of a Glean chat application (AI App)',
			},
		],
		default: 'get',
	},
	...get.description,
];
