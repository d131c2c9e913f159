import type { IDataObject, IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';

import type { FormField } from '../../../helpers/agentForm';
import { formFields, formInput, hasStructuredOutput } from '../../../helpers/agentForm';
import type { GleanCall, OnceOnly } from '../../../transport';
import type { AnswerFinish } from '../../answerFormats';
import { readAnswerFinish } from '../../answerFormats';
import {
	emptyParameterError,
	readRetryPolicy,
	readTimeoutMillis,
	textParameter,
} from '../../common';
import { agentSchemas, readAgentId } from '../agentCalls';
import { operationError } from '../../../transport';

/** Reading one item's Agent → Run: the agent, its form filled in, the message, and the call. */

/** What an agent run does only once: it may take actions (Glean documents no way to repeat one safely). */
const AGENT_RUN: OnceOnly = {
	what: 'for an agent run',
	note: 'Not tried again: the agent may already have started, and agents can take actions (send, create, update), so running it again could do them twice. Check the agent’s runs in Glean before running the item again.',
};

export interface RunRequest {
	agentId: string;
	stream: boolean;
	simplify: boolean;
	/** The agent's output schema defines structured output: its answer is read as JSON too. */
	structured: boolean;
	/** The Answer Formats and Drop Closing Offer options. */
	finish: AnswerFinish;
	call: GleanCall;
}

/**
 * The item's run: its form sent whole, as Glean requires, from the agent's schema as Glean gives
 * it now (fetched once per node run and agent), so a form changed since the node was set up is
 * sent as it is now.
 * @throws NodeOperationError naming the item and the field, when a required field is empty, a
 * field has a value but is no longer on the form, or there is neither form nor message.
 */
export async function readRunRequest(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<RunRequest> {
	const agentId = readAgentId(context, itemIndex);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const stream = context.getNodeParameter('stream', itemIndex, true) as boolean;
	const simplify = context.getNodeParameter('simplify', itemIndex, true) as boolean;
	const message = textParameter(context, itemIndex, 'message').trim();
	const timeoutMillis = readTimeoutMillis(context, itemIndex, options);
	const retry = readRetryPolicy(context, itemIndex, options);
	const finish = readAnswerFinish(context, itemIndex, options);
	const schemas = await schemasOfRun(context, itemIndex, agentId, {
		actAs: String(options.actAs ?? ''),
		timeoutMillis,
	});
	const fields = formFields(schemas.input_schema);
	const body: IDataObject = { agent_id: agentId };
	if (fields.length > 0) body.input = filledForm(context, itemIndex, fields);
	if (message !== '')
		body.messages = [{ role: 'USER', content: [{ text: message, type: 'text' }] }];
	if (fields.length === 0 && message === '') {
		throw emptyParameterError(
			context,
			itemIndex,
			'Message',
			`The agent "${String(schemas.name ?? agentId)}" has no input form, so it runs on a message: fill "Message" (an expression such as {{ $json.question }} works too). Nothing was run.`,
		);
	}
	return {
		agentId,
		stream,
		simplify,
		structured: hasStructuredOutput(schemas.output_schema),
		finish,
		call: {
			method: 'POST',
			endpoint: stream ? 'agents/runs/stream' : 'agents/runs/wait',
			body,
			actAs: options.actAs as string | undefined,
			retry,
			idempotent: false,
			onceOnly: AGENT_RUN,
			timeoutMillis,
			notFound: `Glean has no agent "${agentId}" this user may run: check the Agent ID, and that the agent is shared with the user (the Act As user, if set) in Glean's Agent Builder.`,
		},
	};
}

/** The form's values as mapped in "Input" (or, with "Map Automatically", the item's fields of the same names). */
function filledForm(
	context: IExecuteFunctions,
	itemIndex: number,
	fields: FormField[],
): IDataObject {
	const mapped = context.getNodeParameter('input', itemIndex, {}) as Partial<ResourceMapperValue>;
	const values: Record<string, unknown> =
		mapped.mappingMode === 'autoMapInputData'
			? pick(context.getInputData()[itemIndex]?.json ?? {}, fields)
			: { ...(mapped.value ?? {}) };
	const { input, problems } = formInput(fields, values);
	const [missing] = problems.missing;
	if (missing) {
		throw operationError(
			context.getNode(),
			`Item ${itemIndex}: the agent's form field "${missing.displayName}" is required but empty`,
			{
				itemIndex,
				description: `Map a value to "${missing.displayName}" in "Input"${
					problems.missing.length > 1
						? ` (also required and empty: ${problems.missing
								.slice(1)
								.map((field) => `"${field.displayName}"`)
								.join(', ')})`
						: ''
				}. Nothing was run.`,
			},
		);
	}
	const [invalid] = problems.invalid;
	if (invalid) {
		throw operationError(
			context.getNode(),
			`Item ${itemIndex}: the agent's form field "${invalid.field.displayName}" cannot take ${short(invalid.value)}`,
			{
				itemIndex,
				description: `"${invalid.field.displayName}" takes ${invalid.expected}. Map such a value to it in "Input". Nothing was run.`,
			},
		);
	}
	if (problems.unknown.length > 0) {
		throw operationError(
			context.getNode(),
			`Item ${itemIndex}: the agent's form has no field "${problems.unknown[0]}" any more`,
			{
				itemIndex,
				description: `The agent's form changed since this node was set up. Open "Input", refresh its fields and map the values again. The form's fields now: ${fields.map((field) => `"${field.id}"`).join(', ')}. Nothing was run.`,
			},
		);
	}
	return input as IDataObject;
}

/** The item's fields named like the form's, for "Map Automatically". */
function pick(json: IDataObject, fields: FormField[]): Record<string, unknown> {
	const values: Record<string, unknown> = {};
	for (const field of fields) if (field.id in json) values[field.id] = json[field.id];
	return values;
}

const schemasByRun = new WeakMap<
	IExecuteFunctions,
	Map<string, Promise<Record<string, unknown>>>
>();

/**
 * The agent's schemas, fetched once per node run for each agent and Act As user (the items of a
 * run share one form). A failed fetch is not kept, and an item that waited for another item's
 * failed fetch fetches for itself, so each item reports its own error.
 */
async function schemasOfRun(
	context: IExecuteFunctions,
	itemIndex: number,
	agentId: string,
	{ actAs, timeoutMillis }: { actAs: string; timeoutMillis?: number },
): Promise<Record<string, unknown>> {
	let byAgent = schemasByRun.get(context);
	if (!byAgent) schemasByRun.set(context, (byAgent = new Map()));
	const key = JSON.stringify([agentId, actAs.trim().toLowerCase()]);
	const cached = byAgent.get(key);
	if (cached) {
		try {
			return await cached;
		} catch {
			// Another item's fetch failed: this item fetches for itself below.
		}
	}
	const fetching = agentSchemas(context, itemIndex, agentId, { timeoutMillis });
	byAgent.set(key, fetching);
	fetching.catch(() => {
		if (byAgent.get(key) === fetching) byAgent.delete(key);
	});
	return await fetching;
}

/** A value as an error quotes it: JSON, at most 60 characters. */
function short(value: unknown): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
