import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

import { packageRoot } from '../harness/paths';

/**
 * Checks requests against Glean's published Client API spec (test/fixtures/glean-openapi).
 * Beyond JSON Schema validation it also rejects fields the spec does not declare, so a
 * misspelt request field fails a test instead of being silently ignored by Glean.
 */

type Schema = Record<string, unknown>;

const SPEC_FILE = path.join(packageRoot(), 'test', 'fixtures', 'glean-openapi', 'client_rest.yaml');
const API_PREFIX = '/rest/api/v1/';

export interface SpecOperation {
	specPath: string;
	method: string;
	bodySchema?: Schema;
	bodyContentType?: string;
	queryParameters: Map<string, Schema>;
}

export class GleanSpec {
	private readonly spec: Schema;

	private readonly ajv: Ajv;

	private readonly validators = new Map<string, ReturnType<Ajv['compile']>>();

	constructor(specFile = SPEC_FILE) {
		this.spec = parse(readFileSync(specFile, 'utf8')) as Schema;
		this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
		addFormats(this.ajv);
		this.ajv.addSchema(this.spec, 'glean');
	}

	/** The spec's operation for a request path (e.g. `/rest/api/v1/chat-files/F1`) and method. */
	operation(method: string, requestPath: string): SpecOperation | undefined {
		const paths = this.spec.paths as Record<string, Record<string, Schema>>;
		for (const [specPath, item] of Object.entries(paths)) {
			if (specPath.includes('#')) continue;
			const pattern = new RegExp(`^${specPath.replace(/\{[^}]+\}/g, '[^/]+')}$`);
			if (!pattern.test(requestPath)) continue;
			const operation = item[method.toLowerCase()];
			if (!operation) continue;
			const queryParameters = new Map<string, Schema>();
			for (const parameter of (operation.parameters as Schema[] | undefined) ?? []) {
				const resolved = this.resolve(parameter);
				if (resolved.in === 'query')
					queryParameters.set(resolved.name as string, resolved.schema as Schema);
			}
			const content = (operation.requestBody as Schema | undefined)?.content as
				Record<string, Schema> | undefined;
			const [bodyContentType, media] = Object.entries(content ?? {})[0] ?? [];
			return {
				specPath,
				method: method.toUpperCase(),
				bodySchema: media?.schema as Schema | undefined,
				bodyContentType,
				queryParameters,
			};
		}
		return undefined;
	}

	/** Problems with a JSON body, as readable sentences; empty when it is valid. */
	validateBody(operation: SpecOperation, body: unknown): string[] {
		if (!operation.bodySchema) return [];
		const key = `${operation.method} ${operation.specPath}`;
		let validate = this.validators.get(key);
		if (!validate) {
			validate = this.ajv.compile(this.rebase(operation.bodySchema));
			this.validators.set(key, validate);
		}
		const problems: string[] = [];
		if (!validate(body)) {
			for (const error of validate.errors ?? []) {
				problems.push(`body${error.instancePath} ${error.message ?? 'is invalid'}`);
			}
		}
		this.unknownFields(operation.bodySchema, body, 'body', problems);
		return problems;
	}

	validateQuery(operation: SpecOperation, query: URLSearchParams): string[] {
		const problems: string[] = [];
		for (const [name, value] of query) {
			const schema = operation.queryParameters.get(name);
			if (!schema) {
				problems.push(`query parameter "${name}" is not in the spec`);
				continue;
			}
			if (schema.type === 'integer' && !/^-?\d+$/.test(value)) {
				problems.push(`query parameter "${name}" must be an integer, got "${value}"`);
			}
		}
		return problems;
	}

	static endpointOf(requestPath: string): string {
		return requestPath.startsWith(API_PREFIX) ? requestPath.slice(API_PREFIX.length) : requestPath;
	}

	/** Rewrites local refs so a sub-schema compiles against the registered spec document. */
	private rebase(schema: Schema): Schema {
		return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"glean#/')) as Schema;
	}

	private resolve(schema: Schema): Schema {
		let current = schema;
		for (let depth = 0; depth < 20 && typeof current.$ref === 'string'; depth++) {
			const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
			let target: unknown = this.spec;
			for (const part of pointer)
				target = (target as Schema)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
			current = target as Schema;
		}
		return current;
	}

	/** Collects the property schemas an object schema declares, through allOf/oneOf/anyOf. */
	private declaredProperties(
		schema: Schema,
		into: Map<string, Schema[]>,
		open: { value: boolean },
	): void {
		const resolved = this.resolve(schema);
		const properties = resolved.properties as Record<string, Schema> | undefined;
		for (const [name, propertySchema] of Object.entries(properties ?? {})) {
			into.set(name, [...(into.get(name) ?? []), propertySchema]);
		}
		if (resolved.additionalProperties !== undefined && resolved.additionalProperties !== false)
			open.value = true;
		for (const combinator of ['allOf', 'oneOf', 'anyOf']) {
			for (const member of (resolved[combinator] as Schema[] | undefined) ?? []) {
				this.declaredProperties(member, into, open);
			}
		}
		if (
			!properties &&
			!resolved.allOf &&
			!resolved.oneOf &&
			!resolved.anyOf &&
			resolved.type !== 'object'
		) {
			open.value = open.value || resolved.type === undefined;
		}
	}

	private unknownFields(schema: Schema, value: unknown, at: string, problems: string[]): void {
		const resolved = this.resolve(schema);
		if (Array.isArray(value)) {
			const items = resolved.items as Schema | undefined;
			if (items)
				value.forEach((entry, index) =>
					this.unknownFields(items, entry, `${at}[${index}]`, problems),
				);
			return;
		}
		if (value === null || typeof value !== 'object') return;
		const declared = new Map<string, Schema[]>();
		const open = { value: false };
		this.declaredProperties(resolved, declared, open);
		if (open.value && declared.size === 0) return;
		for (const [name, fieldValue] of Object.entries(value)) {
			const schemas = declared.get(name);
			if (!schemas) {
				if (!open.value) problems.push(`${at}.${name} is not a field of Glean's spec`);
				continue;
			}
			for (const fieldSchema of schemas)
				this.unknownFields(fieldSchema, fieldValue, `${at}.${name}`, problems);
		}
	}
}
