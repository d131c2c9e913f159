import type { INode, JsonObject, NodeApiError } from 'n8n-workflow';

import { apiError } from './nodeErrors';
import type { GleanAnswerShape } from '../helpers/gleanShapes';
import { parseGleanJson } from '../helpers/gleanShapes';
import type { Secrets } from './redact';
import { redact } from './redact';
import { BASE_URL_HINT } from './setupHints';

/**
 * The one check of Glean's `2xx` JSON answers: every operation names the shape it needs, and a
 * body that is not Glean's (a sign-in page, a proxy's "OK", an empty body, JSON of another API)
 * fails the item with the setup fix, never passing as "no chats", `{}` or "no files".
 */

/**
 * Glean's answer to `endpoint` parsed as `shape` describes: the object, or undefined for an empty
 * body where the shape allows one.
 * @throws NodeApiError naming the endpoint, what the body was instead, its first characters
 * (without the token) and the Base URL fix.
 */
export function checkedAnswer(
	node: INode,
	itemIndex: number,
	{
		endpoint,
		statusCode,
		text,
		shape,
		token,
	}: {
		endpoint: string;
		statusCode: number;
		text: string;
		shape: GleanAnswerShape;
		token: Secrets;
	},
): Record<string, unknown> | undefined {
	const result = parseGleanJson(text, shape);
	if ('value' in result) return result.value;
	throw notGleanAnswerError(node, itemIndex, {
		endpoint,
		statusCode,
		problem: result.problem,
		quote: redact(text.trim(), token),
	});
}

/**
 * A `2xx` whose body is not Glean's: something other than Glean's API answered.
 * @param quote The body's beginning, already without the token; cut to 80 characters here.
 */
export function notGleanAnswerError(
	node: INode,
	itemIndex: number,
	{
		endpoint,
		statusCode,
		problem,
		quote,
	}: { endpoint: string; statusCode: number; problem: string; quote: string },
): NodeApiError {
	const message = `The answer to ${endpoint} was not Glean's: ${statusCode} with ${problem}`;
	const begins = quote === '' ? '' : `It began with: ${cut(quote, 80)}\n\n`;
	return apiError(node, { message, httpCode: String(statusCode) } as JsonObject, {
		message,
		description: `${begins}Something other than Glean's API answered, so nothing was taken from it. ${BASE_URL_HINT}`,
		httpCode: String(statusCode),
		itemIndex,
	});
}

/** `text` up to `length` characters, with … where it was cut. */
export function cut(text: string, length: number): string {
	return text.length > length ? `${text.slice(0, length)}…` : text;
}
