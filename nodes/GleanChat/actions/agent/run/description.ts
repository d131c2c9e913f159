import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { answerFormatsOption, dropClosingOfferOption } from '../../answerFormats';
import { actAsOption, optionsCollection } from '../../common';
import { agentIdProperty } from '../agentCalls';

/** The editor's fields of Agent → Run (names per interface.md, "Resource agent"). */

const properties: INodeProperties[] = [
	agentIdProperty,
	{
		displayName: 'Input',
		name: 'input',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		description:
			'The agent’s input form: its fields come from the agent, and every one is sent (optional ones empty when left blank)',
		typeOptions: {
			loadOptionsDependsOn: ['agentId.value'],
			resourceMapper: {
				resourceMapperMethod: 'getAgentInputFields',
				mode: 'add',
				fieldWords: { singular: 'form field', plural: 'form fields' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				noFieldsError:
					'This agent has no input form. If it starts from a chat message, fill "Message".',
			},
		},
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		default: '',
		placeholder: 'e.g. Summarise the open escalations for Acme',
		typeOptions: { rows: 3 },
		description:
			'For agents started by a chat message: the message, sent as the user’s. Leave empty for agents with an input form.',
	},
	{
		displayName: 'Stream',
		name: 'stream',
		type: 'boolean',
		default: true,
		description:
			'Whether to receive the answer as the agent writes it. Gives the same result; with a streaming Chat Trigger or Webhook the words reach the caller live.',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return the answer, status, messages and structured output instead of Glean’s whole response',
	},
	optionsCollection([
		actAsOption,
		answerFormatsOption,
		dropClosingOfferOption,
		{
			displayName: 'Timeout (Ms)',
			name: 'timeoutMillis',
			type: 'number',
			default: 300000,
			typeOptions: { minValue: 1, maxValue: 3600000 },
			description:
				'How long the node waits for the agent to finish (at most an hour). Without this option it waits as long as Glean keeps the connection busy, and gives up after 5 minutes of silence.',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['run'] } },
	properties,
);
