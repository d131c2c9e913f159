import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { GleanAnswerShape } from '../../helpers/gleanShapes';
import { AGENT_SCHEMAS } from '../../helpers/gleanShapes';
import type { GleanCall } from '../../transport';
import { gleanApiRequest } from '../../transport';
import { emptyParameterError, gleanQuery, readRetryPolicy } from '../common';

/** What the Agent operations share: the Agent parameter, and calls to Glean's Agents endpoints. */

/** The Agent parameter (`agentId`, interface.md): from Glean's list (searchable by name), or by ID. */
export const agentIdProperty: INodeProperties = {
	displayName: 'Agent',
	name: 'agentId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Glean agent, as built in Glean’s Agent Builder and shared with the user',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an agent…',
			typeOptions: { searchListMethod: 'searchAgents', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. mho4lwzylcozgoc2',
			hint: 'The ID at the end of the agent’s address in Glean’s Agent Builder',
		},
	],
};

/** The Agent ID of the item: the locator's value, or the plain ID an expression gives. */
export function readAgentId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('agentId', itemIndex, '', {
		extractValue: true,
	}) as unknown;
	const id =
		typeof value === 'object' && value !== null
			? String((value as IDataObject).value ?? '')
			: String(value ?? '');
	if (id.trim() === '') {
		throw emptyParameterError(
			context,
			itemIndex,
			'Agent',
			'Choose an agent from the list, or give its ID ("By ID", or an expression such as {{ $json.agentId }}). Nothing was sent to Glean.',
		);
	}
	return id.trim();
}

/** How an agent's ID goes into a path: Glean's IDs are letters and digits; anything else is encoded. */
export function agentPath(agentId: string, rest = ''): string {
	return `agents/${encodeURIComponent(agentId)}${rest}`;
}

/**
 * A call to one of Glean's Agents endpoints with the item's Act As and Retry (unless the call
 * brings its own). Only GET agents/… takes `timezoneOffset` and `locale` (Glean's spec); search
 * and runs take no query parameters.
 */
export async function agentCall(
	context: IExecuteFunctions,
	itemIndex: number,
	call: Omit<GleanCall, 'actAs' | 'qs'>,
	shape: GleanAnswerShape,
): Promise<Record<string, unknown>> {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { body } = await gleanApiRequest.call(
		context,
		{
			...call,
			qs: call.method === 'GET' ? gleanQuery(context, options) : undefined,
			actAs: options.actAs as string | undefined,
			retry: call.retry ?? readRetryPolicy(context, itemIndex, options),
		},
		shape,
		itemIndex,
	);
	return body ?? {};
}

/** What a 404 means for an agent. */
export function agentNotFound(agentId: string): string {
	return `Glean has no agent "${agentId}" this user may use: check the Agent ID, and that the agent is shared with the user (the Act As user, if set) in Glean's Agent Builder.`;
}

/**
 * The agent's input and output schemas (GET agents/{agent_id}/schemas), within `limits` when
 * given (a run's Timeout (Ms); an editor lookup's own limits).
 */
export async function agentSchemas(
	context: IExecuteFunctions,
	itemIndex: number,
	agentId: string,
	limits: Pick<GleanCall, 'timeoutMillis' | 'retry'> = {},
): Promise<Record<string, unknown>> {
	return await agentCall(
		context,
		itemIndex,
		{
			method: 'GET',
			endpoint: agentPath(agentId, '/schemas'),
			notFound: agentNotFound(agentId),
			...limits,
		},
		AGENT_SCHEMAS,
	);
}
