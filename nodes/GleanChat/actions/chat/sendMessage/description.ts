import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { answerFormatsOption, dropClosingOfferOption } from '../../answerFormats';
import { actAsOption, localeOption, optionsCollection, timezoneOffsetOption } from '../../common';

/** What Send Message shows in the editor: the message, the chat it continues, and its options. */

const restrictionFilters = (kind: 'inclusions' | 'exclusions'): INodeProperties => ({
	displayName: kind === 'inclusions' ? 'Only Use Sources' : 'Never Use Sources',
	name: kind,
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Filter',
	description:
		kind === 'inclusions'
			? 'Restrict the answer to these sources'
			: 'Keep these sources out of the answer (exclusions win over inclusions)',
	options: [
		{
			displayName: 'Filters',
			name: 'filters',
			values: [
				{
					displayName: 'Containers',
					name: 'containers',
					type: 'string',
					default: '',
					placeholder: 'e.g. CONFLUENCE_space_ENG, https://drive.google.com/drive/folders/…',
					description:
						'Comma-separated IDs or URLs of containers (folders, spaces, sites); their contents count recursively where Glean supports it',
				},
				{
					displayName: 'Datasource Instances',
					name: 'datasourceInstances',
					type: 'string',
					default: '',
					placeholder: 'e.g. confluence, gdrive',
					description: 'Comma-separated datasource instance names',
				},
				{
					displayName: 'Documents',
					name: 'documents',
					type: 'string',
					default: '',
					placeholder: 'e.g. CONFLUENCE_page_123, https://wiki.example.com/page',
					description: 'Comma-separated document IDs or URLs',
				},
			],
		},
	],
});

const properties: INodeProperties[] = [
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. What changed in our roadmap docs this week?',
		typeOptions: { rows: 4 },
		description:
			'The question or instruction for Glean, self-contained and in plain language. Glean answers from the company documents, wikis, tickets and chats the user can access.',
	},
	{
		displayName: 'Chat ID',
		name: 'chatId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 6e1d2a0f…',
		description:
			'Continue a saved Glean chat: the ID comes back as "chatId" when a chat is saved. Leave empty to start a new chat.',
	},
	{
		displayName: 'Stream',
		name: 'stream',
		type: 'boolean',
		default: true,
		description:
			'Whether to receive the answer as it is written. Gives the same result; with a streaming Chat Trigger or Webhook the words reach the caller live.',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return the answer, citations, follow-up prompts and steps instead of Glean’s whole merged response',
	},
	optionsCollection([
		actAsOption,
		answerFormatsOption,
		dropClosingOfferOption,
		{
			displayName: 'Agent',
			name: 'agent',
			type: 'options',
			default: 'DEFAULT',
			options: [
				{
					name: 'Advanced',
					value: 'ADVANCED',
					description: 'Agentic engine, thinks longer for higher quality answers',
				},
				{
					name: 'Auto',
					value: 'AUTO',
					description: 'Agentic engine, picks the reasoning effort per question',
				},
				{ name: 'Default', value: 'DEFAULT', description: 'Answers from your company’s knowledge' },
				{ name: 'Fast', value: 'FAST', description: 'Agentic engine, answers faster' },
				{ name: 'GPT', value: 'GPT', description: 'Talks to the language model directly' },
				{
					name: 'Universal',
					value: 'UNIVERSAL',
					description: 'Uses company knowledge and the web',
				},
			],
			description: 'Which Glean agent answers',
		},
		{
			displayName: 'Agent ID',
			name: 'agentId',
			type: 'string',
			default: '',
			description:
				'ID of a Glean Agent (triggered by "User chat message") that should answer instead of the default chat',
		},
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			description: 'ID of a Glean AI App whose configuration the chat should use',
		},
		{
			displayName: 'Enable Company Tools',
			name: 'enableCompanyTools',
			type: 'boolean',
			default: true,
			description:
				'Whether the agent may search your company’s content (Fast and Advanced agents only)',
		},
		{
			displayName: 'Enable Web Search',
			name: 'enableWebSearch',
			type: 'boolean',
			default: true,
			description: 'Whether the agent may search the web (Fast and Advanced agents only)',
		},
		{
			displayName: 'File IDs',
			name: 'fileIds',
			type: 'string',
			default: '',
			placeholder: 'e.g. FILE_123, FILE_456',
			description:
				'IDs of uploaded chat files the message is about: comma-separated, or an array from an expression',
		},
		localeOption,
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			default: 'DEFAULT',
			options: [
				{ name: 'Default', value: 'DEFAULT' },
				{ name: 'Quick (Deprecated)', value: 'QUICK' },
			],
			description: 'Glean’s top-level chat mode',
		},
		restrictionFilters('exclusions'),
		restrictionFilters('inclusions'),
		{
			displayName: 'Session Key',
			name: 'sessionKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.sessionId }}',
			description:
				'Continue the Glean chat remembered for this key, e.g. the sessionId of a Chat Trigger, so each chat session is one Glean conversation. The node remembers the chat in the workflow’s static data (saved by n8n for active workflows; not seen by queue-mode workers in n8n 2.41, where a Chat ID sent back by the caller is needed). A Chat ID parameter wins over it.',
		},
		{
			displayName: 'Session Expiry (Minutes)',
			name: 'sessionExpiryMinutes',
			type: 'number',
			default: 60,
			typeOptions: { minValue: 1 },
			description: 'How long a session key keeps its Glean chat after its last message',
		},
		{
			displayName: 'Save Chat',
			name: 'saveChat',
			type: 'boolean',
			default: false,
			description:
				'Whether to save the conversation in the user’s Glean chat history and return its chat ID. Always on when a Chat ID is given.',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeoutMillis',
			type: 'number',
			default: 60000,
			typeOptions: { minValue: 1, maxValue: 3600000 },
			description:
				'Glean stops and answers 408 when the answer takes longer than this (at most an hour); the node itself gives up a little later',
		},
		timezoneOffsetOption,
	]),
];

const displayOptions = { show: { resource: ['chat'], operation: ['sendMessage'] } };

export const description = updateDisplayOptions(displayOptions, properties);
