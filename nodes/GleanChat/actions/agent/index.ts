import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getSchemas from './getSchemas.operation';
import * as run from './run.operation';
import * as search from './search.operation';

export { get, getSchemas, run, search };
export { getAgentInputFields, searchAgents } from './editorLookups';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get an agent',
				description: 'Get an agent’s name, description and capabilities',
			},
			{
				name: 'Get Schemas',
				value: 'getSchemas',
				action: 'Get the schemas of an agent',
				description: 'Get the JSON Schemas of an agent’s input form and output',
			},
			{
				name: 'Run',
				value: 'run',
				// Also the tool description an AI Agent's model reads ("… in Glean Chat").
				action: 'Run an agent',
				description:
					'Run an agent built in Glean’s Agent Builder with its input form filled from the item, and get its answer',
			},
			{
				name: 'Search',
				value: 'search',
				action: 'Search agents',
				description: 'List the agents the user may run, by name',
			},
		],
		default: 'run',
	},
	...run.description,
	...search.description,
	...get.description,
	...getSchemas.description,
];
