import type { INodeProperties } from 'n8n-workflow';

import * as sendMessage from './sendMessage.operation';

export { sendMessage };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{
				name: 'Send Message',
				value: 'sendMessage',
				action: 'Send a message',
				description: 'Ask Glean a question and get its answer with citations',
			},
		],
		default: 'sendMessage',
	},
	...sendMessage.description,
];
