import type { INodeParameters, ResourceMapperValue } from 'n8n-workflow';

import type { EmulatedAgent } from '../emulator/agents';

/** The agents the Agent tests give the emulator, and the node parameters that run them. */

export const RELEASE_NOTES: EmulatedAgent = {
	agent: {
		agent_id: 'release-notes',
		name: 'Release note drafter',
		description: 'Drafts the release note of a version',
		capabilities: { 'ap.io.messages': false, 'ap.io.streaming': true },
	},
	inputSchema: {
		type: 'object',
		properties: {
			version: { type: 'string', title: 'Version', description: 'e.g. 2.4' },
			audience: { type: 'string', title: 'Audience', enum: ['customers', 'engineers'] },
			releaseDate: { type: 'string', format: 'date', title: 'Release date' },
		},
		required: ['version'],
	},
	answer: ({ input }) => [
		`Release ${String(input.version)} `,
		`for ${String(input.audience) || 'everyone'}`,
		`${input.releaseDate ? ` on ${String(input.releaseDate)}` : ''}: `,
		'Atlas search 🚀 and faster ',
		'answers.',
	],
};

export const HELPDESK: EmulatedAgent = {
	agent: {
		agent_id: 'helpdesk',
		name: 'Helpdesk',
		capabilities: { 'ap.io.messages': true, 'ap.io.streaming': true },
	},
	inputSchema: {},
	answer: ({ message }) => ['You asked: ', message],
};

export const ACCOUNT_BRIEF: EmulatedAgent = {
	agent: { agent_id: 'account-brief', name: 'Account brief', capabilities: {} },
	inputSchema: { type: 'object', properties: { account: { type: 'string' } }, required: [] },
	outputSchema: {
		type: 'object',
		properties: { summary: { type: 'string' }, risk: { type: 'string' } },
	},
	answer: ({ input }) => [
		'```json\n{"summary": "',
		`${String(input.account)} renews in March`,
		'", "risk": "low"}\n```',
	],
};

export const JIRA_BOT: EmulatedAgent = {
	agent: { agent_id: 'jira-bot', name: 'Jira triage', capabilities: {} },
	inputSchema: { type: 'object', properties: { ticket: { type: 'string' } } },
	unauthorizedTools: [
		{ toolName: 'jira_create_issue', toolDisplayName: 'Jira', serverId: 'jira-cloud' },
		{ toolName: 'slack_post', toolDisplayName: 'Slack', serverId: 'slack' },
	],
	answer: ['never'],
};

/** Input as the editor saves it: the fields defined below, with the schema it showed. */
export function mapped(value: Record<string, string>): Partial<ResourceMapperValue> {
	return { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] };
}

export function runParameters(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'agent',
		operation: 'run',
		agentId: { __rl: true, mode: 'list', value: 'release-notes' },
		input: mapped({
			version: '={{ $json.version }}',
			audience: '={{ $json.audience }}',
		}) as INodeParameters['input'],
		...extra,
	};
}

export const DRAFTER: EmulatedAgent = {
	agent: { agent_id: 'drafter', name: 'Drafter', capabilities: {} },
	inputSchema: {
		type: 'object',
		properties: { topic: { type: 'string', title: 'Topic' }, tone: { type: 'string' } },
		required: ['topic'],
	},
	answer: ({ input }) => ['Draft about ', String(input.topic), '.'],
};

/** Agent → Run of `agentId` with Topic mapped from the item's `topic`. */
export function runAgent(agentId = 'drafter', extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'agent',
		operation: 'run',
		agentId: { __rl: true, mode: 'id', value: agentId },
		input: {
			mappingMode: 'defineBelow',
			value: { topic: '={{ $json.topic }}' },
			matchingColumns: [],
			schema: [],
		},
		...extra,
	};
}
