import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { formFields } from '../../helpers/agentForm';
import { SEARCH_AGENTS_RESPONSE } from '../../helpers/gleanShapes';
import { lookupContext } from '../../transport';
import { agentCall, agentSchemas } from './agentCalls';

/**
 * What the editor asks of Glean while a user sets up the node (the node's `methods`): the agents
 * to pick from, and the chosen agent's input form as the fields of "Input".
 */

/** Someone waits in the editor: a lookup gives up sooner than a run (3 tries, 10 s of waits, 30 s each). */
const LOOKUP_LIMITS = {
	timeoutMillis: 30_000,
	retry: { maxAttempts: 3, maxWaitMillis: 10_000 },
};

/** The agents the user may run, whose name contains `filter` (POST agents/search), for "Agent → From List". */
export async function searchAgents(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const body = await agentCall(
		lookupContext(this),
		0,
		{
			method: 'POST',
			endpoint: 'agents/search',
			body: { name: (filter ?? '').trim() },
			...LOOKUP_LIMITS,
		},
		SEARCH_AGENTS_RESPONSE,
	);
	const agents = Array.isArray(body.agents) ? (body.agents as IDataObject[]) : [];
	return {
		results: agents
			.filter((agent) => typeof agent.agent_id === 'string' && agent.agent_id !== '')
			.map((agent) => ({
				name:
					typeof agent.name === 'string' && agent.name !== '' ? agent.name : String(agent.agent_id),
				value: String(agent.agent_id),
				...(typeof agent.description === 'string' ? { description: agent.description } : {}),
			})),
	};
}

/**
 * The chosen agent's input form (GET agents/{agent_id}/schemas, `input_schema`) as the fields of
 * "Input": the schema's titles, types, choices and required fields.
 */
export async function getAgentInputFields(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const chosen = this.getNodeParameter('agentId', '', { extractValue: true }) as unknown;
	const agentId = typeof chosen === 'string' ? chosen.trim() : '';
	// The editor resolves an expression itself, and sends null when it cannot.
	if (agentId === '') {
		return { fields: [], emptyFieldsNotice: 'Choose an agent to see its input form.' };
	}
	const schemas = await agentSchemas(lookupContext(this), 0, agentId, LOOKUP_LIMITS);
	const fields = formFields(schemas.input_schema).map((field): ResourceMapperField => ({
		id: field.id,
		displayName: field.description
			? `${field.displayName} (${field.description})`
			: field.displayName,
		required: field.required,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: field.type,
		...(field.options
			? { options: field.options.map((choice) => ({ name: choice, value: choice })) }
			: {}),
		...(field.defaultValue !== undefined ? { defaultValue: field.defaultValue } : {}),
	}));
	return {
		fields,
		emptyFieldsNotice:
			'This agent has no input form. If it starts from a chat message, fill "Message".',
	};
}
