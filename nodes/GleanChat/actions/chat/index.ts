import type { INodeProperties } from 'n8n-workflow';

import * as del from './delete.operation';
import * as deleteAll from './deleteAll.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as sendMessage from './sendMessage.operation';

export { del as delete, deleteAll, get, getAll, sendMessage };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete chats',
				description: 'Delete saved chats by ID',
			},
			{
				name: 'Delete All',
				value: 'deleteAll',
				action: 'Delete all chats',
				description: 'Delete every saved chat of the user',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a chat',
				description: 'Get a saved chat with its messages',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many chats',
				description: 'List saved chats',
			},
			{
				name: 'Send Message',
				value: 'sendMessage',
				// Also the tool description an AI Agent's model reads ("… in Glean Chat").
				action: 'Answer a question from company knowledge',
				description:
					'Ask Glean a question; it answers from the company documents, wikis, tickets and chats the user may see, with numbered sources',
			},
		],
		default: 'sendMessage',
	},
	...sendMessage.description,
	...getAll.description,
	...get.description,
	...del.description,
	...deleteAll.description,
];
