import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * n8n's node errors, keeping the message they are given. n8n-workflow (1.x and 2.x) replaces a
 * message that merely contains a common error code (ECONNRESET, EACCES, EEXIST, …), even one
 * passed in, with its own generic text: "Glean answered 502: upstream read ECONNRESET" would
 * become "The connection to the server was closed unexpectedly… You can retry the request
 * immediately" (not safe advice for a saved message), and Glean's words quoted in an error
 * ("a preexisting page", "reaccess") would be lost.
 */

export function apiError(
	node: INode,
	response: JsonObject,
	options: NonNullable<ConstructorParameters<typeof NodeApiError>[2]> & { message: string },
): NodeApiError {
	const error = new NodeApiError(node, response, options);
	// n8n hands back `response` itself when it already is a NodeApiError: that one keeps its own.
	if (error !== (response as unknown)) error.message = options.message;
	return error;
}

export function operationError(
	node: INode,
	message: string,
	options: NonNullable<ConstructorParameters<typeof NodeOperationError>[2]> = {},
): NodeOperationError {
	const error = new NodeOperationError(node, message, options);
	error.message = message;
	return error;
}
