import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as agent from './actions/agent';
import * as application from './actions/application';
import * as chat from './actions/chat';
import * as file from './actions/file';
import { router } from './actions/router';

export class GleanChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Glean Chat',
		name: 'gleanChat',
		icon: { light: 'file:glean.svg', dark: 'file:glean.dark.svg' },
		group: ['transform'],
		version: 1,
		usableAsTool: true,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Ask Glean’s AI chat questions about your company’s knowledge',
		defaults: {
			name: 'Glean Chat',
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'gleanChatApi',
				required: true,
				displayOptions: { show: { authentication: ['apiToken'] } },
			},
			{
				name: 'gleanChatOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'API Token',
						value: 'apiToken',
						description: 'A Glean API token (or an access token from your identity provider)',
					},
					{
						name: 'OAuth2 (Sign in with Glean)',
						value: 'oAuth2',
						description:
							'Sign in to Glean in the credential; n8n keeps the access token fresh by itself',
					},
				],
				default: 'apiToken',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Agent',
						value: 'agent',
					},
					{
						name: 'Application',
						value: 'application',
					},
					{
						name: 'Chat',
						value: 'chat',
					},
					{
						name: 'File',
						value: 'file',
					},
				],
				default: 'chat',
			},
			...chat.description,
			...file.description,
			...application.description,
			...agent.description,
		],
	};

	methods = {
		listSearch: { searchAgents: agent.searchAgents },
		resourceMapping: { getAgentInputFields: agent.getAgentInputFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
