import type { Chunking, Scenario } from './gleanEmulator';

/**
 * Glean's Agents endpoints as the emulator plays them (issue 18; client_rest.yaml, tag Agents):
 * `agents/search`, `agents/{agent_id}`, `agents/{agent_id}/schemas`, and runs, waited for
 * (`agents/runs/wait`, JSON) or streamed (`agents/runs/stream`, server-sent events shaped as the
 * spec's example: one `message` event per piece of the agent's text, with increasing ids).
 */
export interface EmulatedAgent {
	/** Glean's Agent object: agent_id, name, description, capabilities. */
	agent: {
		agent_id: string;
		name: string;
		description?: string;
		capabilities: Record<string, boolean>;
	};
	/** JSON Schema of the agent's input form (`properties`, `required`). */
	inputSchema: Record<string, unknown>;
	outputSchema?: Record<string, unknown>;
	/** Tools the caller has not connected: every run is refused with 422. */
	unauthorizedTools?: Array<{ toolName: string; toolDisplayName?: string; serverId: string }>;
	/** The agent's answer, in the pieces a stream sends (or made from the run's input and messages). */
	answer: string[] | ((run: { input: Record<string, unknown>; message: string }) => string[]);
	/**
	 * The run fails after this many pieces: a stream ends with an error (as a `message` event
	 * whose data has `error`, or as a `run.failed` event like Glean's platform API); a waited run
	 * answers `run.status` "error" with the pieces written so far.
	 */
	failure?: { afterPieces: number; style: 'errorField' | 'runFailed'; text: string };
}

export class AgentsEmulation {
	readonly agents = new Map<string, EmulatedAgent>();

	/** The runs the emulator answered: agent, input and messages as sent. */
	readonly runs: Array<Record<string, unknown>> = [];

	/** Pause between streamed events. */
	streamDelayMs = 0;

	/** How streamed runs are cut into writes (by default each line is a write). */
	chunking: Chunking = 'lines';

	reset(): void {
		this.agents.clear();
		this.runs.length = 0;
	}

	/** The answer to an Agents request, or undefined when `endpoint` is not one. */
	answer(method: string, endpoint: string, body: Record<string, unknown>): Scenario | undefined {
		if (method === 'POST' && endpoint === 'agents/search') {
			const name = String(body.name ?? '').toLowerCase();
			const agents = [...this.agents.values()]
				.map((emulated) => emulated.agent)
				.filter((agent) => agent.name.toLowerCase().includes(name));
			return { kind: 'json', json: { agents } };
		}
		if (method === 'POST' && (endpoint === 'agents/runs/wait' || endpoint === 'agents/runs/stream'))
			return this.run(endpoint.endsWith('stream'), body);
		const match = /^agents\/([^/]+)(\/schemas)?$/.exec(endpoint);
		if (method !== 'GET' || !match) return undefined;
		const emulated = this.agents.get(decodeURIComponent(match[1]));
		if (!emulated) return notFound();
		if (!match[2]) return { kind: 'json', json: emulated.agent };
		return {
			kind: 'json',
			json: {
				agent_id: emulated.agent.agent_id,
				name: emulated.agent.name,
				input_schema: emulated.inputSchema,
				output_schema: emulated.outputSchema ?? {},
			},
		};
	}

	private run(stream: boolean, body: Record<string, unknown>): Scenario {
		const emulated = this.agents.get(String(body.agent_id ?? ''));
		if (!emulated) return notFound();
		if (emulated.unauthorizedTools?.length) {
			return {
				kind: 'json',
				status: 422,
				json: {
					message: 'The agent uses tools you have not connected.',
					authenticationSuggestions: emulated.unauthorizedTools.map((tool, index) => ({
						...tool,
						toolType: 'ACTION',
						requestType: 'AUTHENTICATION_SUGGESTION',
						requestId: `auth-${index + 1}`,
					})),
				},
			};
		}
		// Glean requires every form field, optional ones as "" (a missing one fails the run).
		const fields = Object.keys((emulated.inputSchema.properties as Record<string, unknown>) ?? {});
		const input = (body.input ?? {}) as Record<string, unknown>;
		const missing = fields.filter((field) => !(field in input));
		if (missing.length > 0) return { kind: 'text', status: 500, text: 'Internal Server Error' };
		const message = userMessage(body.messages);
		// An agent started by a chat message needs one (Glean's spec: `ap.io.messages`).
		if (fields.length === 0 && emulated.agent.capabilities['ap.io.messages'] && message === '')
			return { kind: 'text', status: 400, text: 'messages are required for this agent' };
		this.runs.push(body);
		const pieces =
			typeof emulated.answer === 'function' ? emulated.answer({ input, message }) : emulated.answer;
		const failure = emulated.failure;
		const written = failure ? pieces.slice(0, failure.afterPieces) : pieces;
		if (!stream) {
			return {
				kind: 'json',
				json: {
					run: {
						agent_id: emulated.agent.agent_id,
						input,
						status: failure ? 'error' : 'success',
					},
					messages: [
						{ role: 'GLEAN_AI', content: [{ text: written.join(''), type: 'text' }] },
						...(failure
							? [{ role: 'GLEAN_AI', content: [{ text: failure.text, type: 'text' }] }]
							: []),
					],
				},
			};
		}
		const events = written.map((piece, index) =>
			serverSentEvent(index + 1, 'message', {
				messages: [{ role: 'GLEAN_AI', content: [{ text: piece, type: 'text' }] }],
			}),
		);
		if (failure) {
			const error = { title: 'Agent run failed', detail: failure.text, status: 500 };
			events.push(
				failure.style === 'runFailed'
					? serverSentEvent(events.length + 1, 'run.failed', { error })
					: serverSentEvent(events.length + 1, 'message', { error: failure.text }),
			);
		}
		return {
			kind: 'ndjson',
			body: events.join(''),
			contentType: 'text/event-stream; charset=utf-8',
			chunking: this.chunking,
			delayMs: this.streamDelayMs,
		};
	}
}

function notFound(): Scenario {
	return { kind: 'json', status: 404, json: { message: 'Agent not found or not shared with you' } };
}

/** One server-sent event as Glean writes them: `id`, `event`, one `data` line, a blank line. */
export function serverSentEvent(id: number, event: string, data: unknown): string {
	return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The text of the run's USER messages. */
function userMessage(messages: unknown): string {
	if (!Array.isArray(messages)) return '';
	return messages
		.filter((message: { role?: string }) => message?.role === 'USER')
		.flatMap((message: { content?: Array<{ text?: string }> }) => message.content ?? [])
		.map((block) => block.text ?? '')
		.join('');
}

/**
 * The agent the example workflow (examples/webhook-run-agent.json) runs, as `npm run dev` and
 * `npm run test:n8n` give it: a form of Version (required), Audience (a choice) and Highlights.
 */
export const EXAMPLE_AGENT: EmulatedAgent = {
	agent: {
		agent_id: 'release-note-drafter',
		name: 'Release note drafter',
		description: 'Drafts the release note of a version from the roadmap and the merged changes',
		capabilities: { 'ap.io.messages': false, 'ap.io.streaming': true },
	},
	inputSchema: {
		type: 'object',
		properties: {
			version: { type: 'string', title: 'Version' },
			audience: { type: 'string', title: 'Audience', enum: ['customers', 'engineers'] },
			highlights: { type: 'string', title: 'Highlights' },
		},
		required: ['version'],
	},
	answer: ({ input }) => [
		`**Release ${String(input.version)}**`,
		` for ${String(input.audience) || 'everyone'}: `,
		input.highlights ? `${String(input.highlights)}, ` : '',
		'Atlas search is faster and answers cite their sources.',
	],
};

/** The text EXAMPLE_AGENT answers for `input`. */
export function exampleAgentAnswer(input: Record<string, unknown>): string {
	const answer = EXAMPLE_AGENT.answer as (run: {
		input: Record<string, unknown>;
		message: string;
	}) => string[];
	return answer({ input, message: '' }).join('');
}
