import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { actAsOption, localeOption, optionsCollection, timezoneOffsetOption } from '../common';
import { agentIdProperty, agentSchemas, readAgentId } from './agentCalls';

const properties: INodeProperties[] = [
	agentIdProperty,
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getSchemas'] } },
	properties,
);

/**
 * Agent → Get Schemas: the agent's `input_schema` and `output_schema` (JSON Schema, GET
 * /agents/{agent_id}/schemas), e.g. to notice that an agent's form changed.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const schemas = await agentSchemas(this, itemIndex, readAgentId(this, itemIndex));
	return [{ json: schemas as INodeExecutionData['json'] }];
}
