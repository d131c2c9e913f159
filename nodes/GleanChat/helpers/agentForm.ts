/**
 * A Glean agent's input form, read from the JSON Schema Glean gives for it (`input_schema` of
 * GET /agents/{agent_id}/schemas), and the `input` a run sends. Pure; knows nothing of n8n.
 *
 * Glean's rule (client_rest.yaml, AgentRunCreate): "If the agent uses an input form trigger, the
 * `input` field is required and must include all fields defined in the form schema. Even fields
 * marked as optional in the UI must be included in the request—use an empty string for optional
 * fields without values. Omitting required form fields will result in a 500 error."
 */

/** How the editor shows a field (n8n's resource mapper field types this form uses). */
export type FormFieldType = 'string' | 'number' | 'boolean' | 'options' | 'array' | 'object';

export interface FormField {
	/** The key in `input`. */
	id: string;
	/** The schema's `title`, else the key. */
	displayName: string;
	required: boolean;
	type: FormFieldType;
	/** The schema's `enum` (a choice field, Glean's SELECT). */
	options?: string[];
	description?: string;
	/** A date field (`format: date`, Glean's DATE): sent as YYYY-MM-DD. */
	date?: boolean;
	/** The schema's `default`, when it is a plain value. */
	defaultValue?: string | number | boolean;
}

type Schema = Record<string, unknown>;

/** The fields of an `input_schema`, in the schema's order; none for an agent without a form. */
export function formFields(inputSchema: unknown): FormField[] {
	const schema = asObject(inputSchema);
	const properties = asObject(schema?.properties);
	if (!properties) return [];
	const required = new Set(
		Array.isArray(schema?.required) ? schema.required.map((name) => String(name)) : [],
	);
	return Object.entries(properties).map(([id, value]) => {
		const property = asObject(value) ?? {};
		const field: FormField = {
			id,
			displayName: typeof property.title === 'string' && property.title ? property.title : id,
			required: required.has(id),
			type: fieldType(property),
		};
		if (Array.isArray(property.enum)) field.options = property.enum.map((choice) => String(choice));
		if (typeof property.description === 'string' && property.description)
			field.description = property.description;
		if (property.format === 'date') field.date = true;
		const fallback = property.default;
		if (['string', 'number', 'boolean'].includes(typeof fallback))
			field.defaultValue = fallback as string | number | boolean;
		return field;
	});
}

function fieldType(property: Schema): FormFieldType {
	if (Array.isArray(property.enum)) return 'options';
	const type = Array.isArray(property.type)
		? property.type.find((one) => one !== 'null')
		: property.type;
	switch (type) {
		case 'number':
		case 'integer':
			return 'number';
		case 'boolean':
			return 'boolean';
		case 'array':
			return 'array';
		case 'object':
			return 'object';
		default:
			return 'string';
	}
}

/** What is wrong with the values given for a form, field by field. */
export interface FormProblems {
	/** Required fields left empty. */
	missing: FormField[];
	/** Keys given a value that the form does not have (it changed since the node was set up). */
	unknown: string[];
	/** Values the field cannot take: not a number, not true or false, not one of the choices. */
	invalid: Array<{ field: FormField; value: unknown; expected: string }>;
}

/**
 * The `input` a run sends: every field of the form, in its order; a value given for it (text
 * fields as text, a date as YYYY-MM-DD), else its default, else "" as Glean asks. `values` maps
 * field keys to what the user mapped; empty means undefined, null or only spaces.
 */
export function formInput(
	fields: FormField[],
	values: Record<string, unknown>,
): { input: Record<string, unknown>; problems: FormProblems } {
	const input: Record<string, unknown> = {};
	const problems: FormProblems = { missing: [], unknown: [], invalid: [] };
	for (const field of fields) {
		const value = values[field.id];
		if (isEmpty(value)) {
			if (field.required && field.defaultValue === undefined) problems.missing.push(field);
			input[field.id] = field.defaultValue ?? '';
			continue;
		}
		const converted = fieldValue(field, value);
		if ('expected' in converted)
			problems.invalid.push({ field, value, expected: converted.expected });
		else input[field.id] = converted.value;
	}
	const known = new Set(fields.map((field) => field.id));
	problems.unknown = Object.keys(values).filter((key) => !known.has(key) && !isEmpty(values[key]));
	return { input, problems };
}

/**
 * A value as the field's type takes it: text as text (a date as YYYY-MM-DD), numbers and true or
 * false from their usual spellings (a form or a sheet gives text), a choice only among the
 * choices; otherwise what was expected.
 */
function fieldValue(field: FormField, value: unknown): { value: unknown } | { expected: string } {
	const text = typeof value === 'string' ? value.trim() : undefined;
	switch (field.type) {
		case 'number': {
			const number = text !== undefined ? Number(text) : value;
			return typeof number === 'number' && Number.isFinite(number)
				? { value: number }
				: { expected: 'a number' };
		}
		case 'boolean': {
			if (typeof value === 'boolean') return { value };
			const spelled = String(value).trim().toLowerCase();
			if (['true', 'yes', 'on', '1'].includes(spelled)) return { value: true };
			if (['false', 'no', 'off', '0'].includes(spelled)) return { value: false };
			return { expected: 'true or false' };
		}
		case 'options': {
			const choice = typeof value === 'string' ? value : JSON.stringify(value);
			return field.options?.includes(choice)
				? { value: choice }
				: { expected: `one of ${(field.options ?? []).map((option) => `"${option}"`).join(', ')}` };
		}
		case 'array':
		case 'object': {
			const parsed = text !== undefined ? parseJson(text) : value;
			const fits = field.type === 'array' ? Array.isArray(parsed) : isPlainObject(parsed);
			return fits
				? { value: parsed }
				: { expected: field.type === 'array' ? 'a list' : 'an object' };
		}
		default:
			if (field.date) return { value: dateOnly(value) };
			return { value: typeof value === 'string' ? value : JSON.stringify(value) };
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function isPlainObject(value: unknown): boolean {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A date as Glean's DATE fields take it: YYYY-MM-DD (from a date-time or a Date), else as given. */
function dateOnly(value: unknown): string {
	if (value instanceof Date && !Number.isNaN(value.getTime()))
		return value.toISOString().slice(0, 10);
	const text = typeof value === 'string' ? value : String(value);
	const match = /^(\d{4}-\d{2}-\d{2})(?:[T ]|$)/.exec(text.trim());
	return match ? match[1] : text;
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** Whether an `output_schema` describes structured output (has properties or a type other than plain text). */
export function hasStructuredOutput(outputSchema: unknown): boolean {
	const schema = asObject(outputSchema);
	if (!schema) return false;
	const properties = asObject(schema.properties);
	return (
		(properties !== undefined && Object.keys(properties).length > 0) ||
		schema.type === 'array' ||
		(schema.type === 'object' && schema.additionalProperties !== undefined)
	);
}

/**
 * The agent's structured output: its answer read as JSON (a ```json fence around it allowed), or
 * undefined when the answer is not a JSON object or list.
 */
export function structuredOutput(answer: string): Record<string, unknown> | unknown[] | undefined {
	const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(answer);
	const text = (fenced ? fenced[1] : answer).trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
	try {
		const parsed = JSON.parse(text) as unknown;
		return typeof parsed === 'object' && parsed !== null
			? (parsed as Record<string, unknown> | unknown[])
			: undefined;
	} catch {
		return undefined;
	}
}

function asObject(value: unknown): Schema | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Schema)
		: undefined;
}
