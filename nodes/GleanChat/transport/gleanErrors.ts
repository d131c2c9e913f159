import type { INode, JsonObject, NodeApiError } from 'n8n-workflow';

import { apiError } from './nodeErrors';
import { answerProblem, EMPTY_RESPONSE } from '../helpers/gleanShapes';
import { firstLine, headerValue } from './body';
import { SilenceError } from './deadline';
import type { ClientTimeoutError } from './deadline';
import { cut } from './gleanAnswers';
import type { Secrets } from './redact';
import { redact } from './redact';
import type { AttemptFailure, RetryBudget, RetryDecision } from './retry';
import { mayHaveReachedGlean, seconds } from './retry';
import { BASE_URL_HINT } from './setupHints';
import type { HintContext } from './statusHints';
import { errorHint, gleanMessage, permissionDenied, toolsToConnect } from './statusHints';
import type { GleanResponse, OnceOnly } from './types';

/**
 * Every way a call to Glean fails, as the n8n error a user reads: Glean's own text, what to do
 * (statusHints.ts), what the retries did, and never the API token.
 */

/** Parts of a description as paragraphs, empty ones left out. */
export function paragraphs(...parts: Array<string | undefined>): string {
	return parts.filter((part) => part !== undefined && part !== '').join('\n\n');
}

/** A message saved to a chat: what Send Message does only once. */
export const SAVED_CHAT: OnceOnly = {
	what: 'for a message saved to a chat',
	note: 'Not tried again: this message is saved to a chat, and Glean may already have stored it, so sending it again could post the question twice. Check the chat in Glean before running the item again.',
};

/** What the retries did, and why a saved message was not repeated, for the final error's description. */
export function retriesNote(
	budget: RetryBudget,
	decision: Extract<RetryDecision, { retry: false }>,
	failure: AttemptFailure,
	onceOnly: OnceOnly | undefined,
): string {
	return paragraphs(
		budget.attempts > 1 || decision.limited
			? `The node tried ${budget.attempts} time(s), waiting ${seconds(budget.waitedMillis)} in all, and stopped: ${decision.why}. The retry limits are in the node's "Retry" option.`
			: undefined,
		onceOnly && mayHaveReachedGlean(failure) ? onceOnly.note : undefined,
	);
}

/**
 * This item's turn at the pace Glean allows (pace.ts) would come after its retry wait limit.
 * `waitMillis`: the expected wait; `perMinute`: the pace (0 while paused); `explicit`: the
 * node's "Max Requests per Minute", if set.
 */
export function paceWaitError(
	node: INode,
	{
		waitMillis,
		perMinute,
		left,
		attempts,
		itemIndex,
		explicit,
		paused,
	}: {
		waitMillis: number;
		perMinute: number;
		left: number;
		attempts: number;
		itemIndex: number;
		explicit?: number;
		paused: boolean;
	},
): NodeApiError {
	const ownLimit = !paused && explicit !== undefined && perMinute >= explicit - 1e-9;
	const message = `${ownLimit ? `"Max Requests per Minute" (${explicit}) spaces these requests` : 'Glean is rate limiting these requests'}: the next try would be in ${seconds(waitMillis)}, more than the ${seconds(Math.max(0, left))} left of this item's retry wait limit`;
	const pace =
		paused || perMinute === 0
			? 'Glean answered 429 or 503, and every request for the same Glean user waits it out together.'
			: ownLimit
				? `Requests for the same Glean user take turns, at most ${explicit} per minute. Raise "Max Requests per Minute" if Glean allows more,`
				: `Requests for the same Glean user take turns at about ${perMinute < 10 ? perMinute.toFixed(1) : Math.round(perMinute)} per minute, the pace learned from Glean's 429 answers.`;
	return apiError(node, { message, httpCode: '429' } as JsonObject, {
		message: attempts > 0 ? `${message} (after ${attempts} attempts)` : message,
		description: `${pace} ${ownLimit ? 'raise' : 'Raise'} "Max Total Wait" in the node's "Retry" option, lower "Concurrency", or run the workflow later.`,
		httpCode: '429',
		itemIndex,
	});
}

/** The client's own time limit passed before Glean answered. */
export function timeoutError(
	node: INode,
	error: ClientTimeoutError,
	itemIndex: number,
	onceOnly: OnceOnly | undefined,
): NodeApiError {
	return apiError(node, { message: error.message } as JsonObject, {
		message: error.message,
		description: paragraphs(
			'Glean did not answer in time, so the node stopped waiting. Raise "Timeout (Ms)" in the node\'s options or use a faster agent.',
			onceOnly?.note,
		),
		itemIndex,
	});
}

/** The socket stayed silent past its idle limit (the HTTP client's ECONNABORTED). */
export function silenceError(
	node: INode,
	idleMillis: number,
	itemIndex: number,
	onceOnly: OnceOnly | undefined,
): NodeApiError {
	const { message } = new SilenceError(idleMillis);
	return apiError(node, { message } as JsonObject, {
		message,
		description: paragraphs(
			'Glean may be overloaded, or a proxy holds the connection. Run the item again later; to wait a different time, set "Timeout (Ms)" in the node\'s options (Send Message, Agent → Run).',
			onceOnly?.note,
		),
		itemIndex,
	});
}

/**
 * Glean's refusal (a 3xx or 4xx/5xx status) as an error: Glean's text (`gleanText`, already
 * without the token), the hint for its status, and what the retries did (`note`).
 */
export function gleanError(
	node: INode,
	{
		response,
		gleanText,
		token,
		itemIndex,
		note,
		attempts,
		setup,
	}: {
		response: GleanResponse<unknown>;
		gleanText: string;
		token: Secrets;
		itemIndex: number;
		note: string;
		attempts: number;
		setup: HintContext;
	},
): NodeApiError {
	const { statusCode } = response;
	const denied = statusCode === 403 ? permissionDenied(gleanText) : undefined;
	if (denied) return permissionDeniedError(node, denied, gleanText, itemIndex);
	if (statusCode < 400) return redirectError(node, response, token, itemIndex);
	const tools = statusCode === 422 ? toolsToConnect(gleanText) : undefined;
	if (tools) return toolsError(node, { tools, gleanText, itemIndex, actAs: setup.actAs });
	const after = attempts > 1 ? ` (after ${attempts} attempts)` : '';
	// Glean's errors are short plain text: a web page came from something else, and is quoted only in part.
	const page = gleanText.startsWith('<') ? answerProblem(gleanText, EMPTY_RESPONSE) : undefined;
	const message =
		page !== undefined
			? `The answer to ${setup.endpoint} was not Glean's: ${statusCode} with ${page}${after}`
			: `Glean answered ${statusCode}${gleanText === '' ? '' : `: ${firstLine(gleanMessage(gleanText))}`}${after}`;
	const quoted =
		gleanText === ''
			? undefined
			: page !== undefined
				? `It began with: ${cut(gleanText, 300)}`
				: `Glean's full answer: ${gleanText}`;
	return apiError(node, { httpCode: String(statusCode), body: gleanText } as JsonObject, {
		message,
		description: paragraphs(errorHint(statusCode, gleanText, setup), note, quoted),
		httpCode: String(statusCode),
		itemIndex,
	});
}

/**
 * An agent run refused because the agent has tools the user has not connected (422,
 * UnauthorizedAgentToolsError): which tools, and how to connect them. Glean: "Retrying before the
 * user authorizes the tools will continue to fail", so it is never tried again.
 */
function toolsError(
	node: INode,
	{
		tools,
		gleanText,
		itemIndex,
		actAs,
	}: { tools: string[]; gleanText: string; itemIndex: number; actAs: string },
): NodeApiError {
	const who = actAs ? `the Act As user (${actAs})` : 'the user of this credential';
	return apiError(node, { httpCode: '422', body: gleanText } as JsonObject, {
		message: `Glean answered 422: the agent uses tools not yet connected for this user: ${tools.join(', ')}`,
		description: `Sign in to Glean as ${who}, open the agent and run it once: Glean asks to connect each of these tools (or connect them in Glean's settings for actions). Then run the item again. Glean's message: ${gleanMessage(gleanText)}`,
		httpCode: '422',
		itemIndex,
	});
}

/** getchat's 403 for someone else's chat: whose it is, and how to get access. */
function permissionDeniedError(
	node: INode,
	denied: NonNullable<ReturnType<typeof permissionDenied>>,
	gleanText: string,
	itemIndex: number,
): NodeApiError {
	return apiError(node, { httpCode: '403', body: gleanText } as JsonObject, {
		message: `Glean answered 403: you do not have access${denied.owner ? `; it belongs to ${denied.owner}` : ''}`,
		description: denied.pending
			? 'An access request is already pending with the owner.'
			: `Ask the owner for access in Glean${denied.roles.length > 0 ? ` (you can request: ${denied.roles.join(', ')})` : ''}, or use a token or Act As user who has it.`,
		httpCode: '403',
		itemIndex,
	});
}

/** A 3xx: Glean's API does not redirect, and the node does not follow. */
function redirectError(
	node: INode,
	response: GleanResponse<unknown>,
	token: Secrets,
	itemIndex: number,
): NodeApiError {
	const { statusCode } = response;
	const location = redact(headerValue(response.headers, 'location') ?? '', token);
	return apiError(node, { httpCode: String(statusCode) } as JsonObject, {
		message: `Glean answered ${statusCode}, a redirect${location ? ` to ${location}` : ''}, which the node does not follow`,
		description: `Glean's API does not redirect, so the Base URL probably points at the Glean web app or a proxy. ${BASE_URL_HINT} Not following redirects keeps the token, the Act As user and your data with the host you configured.`,
		httpCode: String(statusCode),
		itemIndex,
	});
}
