import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { AGENT } from '../../helpers/gleanShapes';
import { actAsOption, localeOption, optionsCollection, timezoneOffsetOption } from '../common';
import { agentCall, agentIdProperty, agentNotFound, agentPath, readAgentId } from './agentCalls';

const properties: INodeProperties[] = [
	agentIdProperty,
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['get'] } },
	properties,
);

/** Agent → Get: Glean's Agent (GET /agents/{agent_id}): `agent_id`, `name`, `description`, `capabilities`. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const agentId = readAgentId(this, itemIndex);
	const agent = await agentCall(
		this,
		itemIndex,
		{ method: 'GET', endpoint: agentPath(agentId), notFound: agentNotFound(agentId) },
		AGENT,
	);
	return [{ json: agent as INodeExecutionData['json'] }];
}
