import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { SEARCH_AGENTS_RESPONSE } from '../../helpers/gleanShapes';
import { actAsOption, invalidOption, optionsCollection, textParameter } from '../common';
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
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
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
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as unknown);
	if (limit !== Infinity && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
		throw invalidOption(
			this,
			itemIndex,
			'Limit',
			limit,
			'a whole number, 1 or more (or turn on "Return All")',
		);
	}
	const name = textParameter(this, itemIndex, 'name').trim();
	const body = await agentCall(
		this,
		itemIndex,
		{ method: 'POST', endpoint: 'agents/search', body: { name } },
		SEARCH_AGENTS_RESPONSE,
	);
	const agents = Array.isArray(body.agents) ? (body.agents as IDataObject[]) : [];
	return agents.slice(0, limit as number).map((agent) => ({ json: agent }));
}
