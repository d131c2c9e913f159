import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialTestRequest,
	INodeProperties,
} from 'n8n-workflow';

import { baseUrlExpression } from './baseUrl';
import { BASE_URL_HINT } from './setupHints';

/** What the two Glean credentials share: the Base URL field and the "Test credential" request. */

const BASE_URL_DESCRIPTION =
	'Your Glean API host, e.g. https://acme-be.glean.com. A bare instance name ("acme") and a trailing "/rest/api/v1" are accepted too.';

/** The Base URL field; `more` is a sentence added to its description. */
export function baseUrlField(more?: string): INodeProperties {
	return {
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://acme-be.glean.com',
		description: more === undefined ? BASE_URL_DESCRIPTION : `${BASE_URL_DESCRIPTION} ${more}`,
	};
}

/**
 * The "Test credential" request of the token credential: one cheap authenticated call
 * (`POST /rest/api/v1/listchats`), with messages worded as the node's own errors (setupHints.ts).
 * Without the rules, n8n's dialog shows only the HTTP reason (e.g. "Unauthorized").
 * @param source the credential's Base URL in an expression: `$credentials.baseUrl`.
 * @param messages what 401, 403 (and 400) mean for this kind of credential, by status code.
 */
export function credentialTest(
	source: string,
	messages: Record<number, string>,
): ICredentialTestRequest {
	// n8n reads each rule by its `type`, though the type of `rules` allows one kind per list.
	const rules: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
		...Object.entries(messages).map(([code, message]): IAuthenticateRuleResponseCode => ({
			type: 'responseCode',
			properties: { value: Number(code), message },
		})),
		{
			type: 'responseCode',
			properties: {
				value: 405,
				message: `This is not Glean's API: it does not take Glean's requests (405). ${BASE_URL_HINT}`,
			},
		},
		{
			// n8n hands a body that is not JSON over as text, and reads rules with lodash's get: its
			// first character is '<' for a web page (a sign-in page, the web app), never for Glean's JSON.
			type: 'responseSuccessBody',
			properties: {
				key: '0',
				value: '<',
				message: `A web page answered, not Glean's API (a sign-in page, a proxy or the web app). ${BASE_URL_HINT}`,
			},
		},
		{
			type: 'responseCode',
			properties: {
				value: 404,
				message: `No Glean API answered at this Base URL (404). ${BASE_URL_HINT}`,
			},
		},
	];
	return {
		request: { baseURL: baseUrlExpression(source), url: '/rest/api/v1/listchats', method: 'POST' },
		rules: rules as IAuthenticateRuleResponseCode[],
	};
}
