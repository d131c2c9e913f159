import type { Scenario } from './gleanEmulator';

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
	/** The agent's answer, in the pieces a stream sends. */
	answer: string[];
}

export class AgentsEmulation {
	readonly agents = new Map<string, EmulatedAgent>();

	/** The runs the emulator answered: agent, input and messages as sent. */
	readonly runs: Array<Record<string, unknown>> = [];

	/** Pause between streamed events. */
	streamDelayMs = 0;

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
		this.runs.push(body);
		const text = emulated.answer.join('');
		if (!stream) {
			return {
				kind: 'json',
				json: {
					run: { agent_id: emulated.agent.agent_id, input, status: 'success' },
					messages: [{ role: 'GLEAN_AI', content: [{ text, type: 'text' }] }],
				},
			};
		}
		const events = emulated.answer
			.map(
				(piece, index) =>
					`id: ${index + 1}\nevent: message\ndata: ${JSON.stringify({ messages: [{ role: 'GLEAN_AI', content: [{ text: piece, type: 'text' }] }] })}\n\n`,
			)
			.join('');
		return {
			kind: 'ndjson',
			body: events,
			contentType: 'text/event-stream; charset=utf-8',
			chunking: 'lines',
			delayMs: this.streamDelayMs,
		};
	}
}

function notFound(): Scenario {
	return { kind: 'json', status: 404, json: { message: 'Agent not found or not shared with you' } };
}
