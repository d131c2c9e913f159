import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import {
	AGENT,
	AGENT_RUN_WAIT_RESPONSE,
	AGENT_SCHEMAS,
	CHAT_RESPONSE,
	GET_CHAT_APPLICATION_RESPONSE,
	GET_CHAT_FILES_RESPONSE,
	GET_CHAT_RESPONSE,
	LIST_CHATS_RESPONSE,
	parseGleanJson,
	SEARCH_AGENTS_RESPONSE,
	UPLOAD_CHAT_FILES_RESPONSE,
} from '../../nodes/GleanChat/helpers/gleanShapes';
import type { GleanAnswerShape } from '../../nodes/GleanChat/helpers/gleanShapes';

interface Schema {
	type?: string;
	$ref?: string;
	properties?: Record<string, Schema>;
	allOf?: Schema[];
	additionalProperties?: unknown;
}

const spec = parse(
	readFileSync(path.join(__dirname, '..', 'fixtures', 'glean-openapi', 'client_rest.yaml'), 'utf8'),
) as {
	components: { schemas: Record<string, Schema> };
};

/** The JSON type a property of Glean's spec has (a $ref to an object schema is an object). */
function jsonType(schema: Schema): string {
	if (schema.$ref) {
		const target = spec.components.schemas[schema.$ref.split('/').pop()!];
		// ChatApplicationDetails is `{}` in the spec: an opaque object.
		return Object.keys(target).length === 0 ? 'object' : jsonType(target);
	}
	if (schema.type === 'integer') return 'number';
	return (
		schema.type ??
		(schema.properties || schema.allOf || schema.additionalProperties ? 'object' : 'unknown')
	);
}

test.each(
	[
		CHAT_RESPONSE,
		LIST_CHATS_RESPONSE,
		GET_CHAT_RESPONSE,
		GET_CHAT_APPLICATION_RESPONSE,
		UPLOAD_CHAT_FILES_RESPONSE,
		GET_CHAT_FILES_RESPONSE,
		AGENT,
		AGENT_SCHEMAS,
		SEARCH_AGENTS_RESPONSE,
		AGENT_RUN_WAIT_RESPONSE,
	].map((shape) => [shape.name, shape] as [string, GleanAnswerShape]),
)('%s lists the fields of Glean’s spec with their types', (name, shape) => {
	const properties = spec.components.schemas[name].properties ?? {};
	expect(
		Object.fromEntries(
			Object.entries(properties).map(([field, schema]) => [field, jsonType(schema)]),
		),
	).toEqual(shape.fields);
});

describe('parseGleanJson', () => {
	test.each([
		['', 'an empty body'],
		['OK', 'text that is not JSON'],
		['<!doctype html><html><body>Hello</body></html>', 'an HTML page'],
		['<html><title>Sign in to Okta</title></html>', 'an HTML page (a sign-in page)'],
		['<?xml version="1.0"?><error/>', 'markup (HTML or XML)'],
		['[]', 'JSON, but a list, where Glean sends its ListChatsResponse'],
		['"OK"', 'JSON, but not an object, where Glean sends its ListChatsResponse'],
		['{"ok":true}', `JSON without any field of Glean's ListChatsResponse (it has "ok")`],
		[
			'{"chatResults":{}}',
			`JSON whose "chatResults" is an object, not the list of Glean's ListChatsResponse`,
		],
	])('%j is not a ListChatsResponse: %s', (text, problem) => {
		expect(parseGleanJson(text, LIST_CHATS_RESPONSE)).toEqual({ problem });
	});

	test('Glean leaves out empty lists: {} is an answer with no chats', () => {
		expect(parseGleanJson('{}', LIST_CHATS_RESPONSE)).toEqual({ value: {} });
	});

	test('a required field missing is not Glean’s answer', () => {
		expect(parseGleanJson('{}', GET_CHAT_RESPONSE)).toEqual({
			problem: `JSON without the "chatResult" of Glean's GetChatResponse`,
		});
	});

	test('fields Glean adds beside the known ones are kept', () => {
		expect(parseGleanJson('{"chatResults":[],"newField":1}', LIST_CHATS_RESPONSE)).toEqual({
			value: { chatResults: [], newField: 1 },
		});
	});
});
