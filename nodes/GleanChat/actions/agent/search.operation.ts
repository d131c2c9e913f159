import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { SEARCH_AGENTS_RESPONSE } from '../../helpers/gleanShapes';
import {
	actAsOption,
	optionsCollection,
	readLimit,
	returnAllProperties,
	textParameter,
} from '../common';
import { agentCall } from './agentCalls';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. release notes',
		description:
			'Only agents whose name contains this text (any case). Empty lists every agent the user may use.',
	},
	...returnAllProperties,
	optionsCollection([actAsOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['search'] } },
	properties,
);

/**
 * Agent → Search: one item per agent whose name matches (POST /agents/search), each Glean's
 * Agent (`agent_id`, `name`, `description`, `capabilities`). Glean's search has no paging: one
 * call returns every match, and Limit keeps the first ones.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const limit = readLimit(this, itemIndex);
	const name = textParameter(this, itemIndex, 'name').trim();
	const body = await agentCall(
		this,
		itemIndex,
		{ method: 'POST', endpoint: 'agents/search', body: { name } },
		SEARCH_AGENTS_RESPONSE,
	);
	const agents = Array.isArray(body.agents) ? (body.agents as IDataObject[]) : [];
	return agents.slice(0, limit).map((agent) => ({ json: agent }));
}
