import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { baseUrlProblem, normalizeBaseUrl } from '../nodes/GleanChat/transport/baseUrl';
import {
	ACT_AS_HINT,
	BASE_URL_HINT,
	SCOPE_HINT,
	TOKEN_REJECTED_HINT,
} from '../nodes/GleanChat/transport/setupHints';

/**
 * Same rules as `normalizeBaseUrl` in nodes/GleanChat/transport/baseUrl.ts, written as an
 * expression because the credential test runs before any node code. A test keeps them equal.
 */
const NORMALIZED_BASE_URL =
	"={{ ((u) => (/^[a-z][a-z0-9+.-]*:\\/\\//i.test(u) ? u : (/[.:]/.test(u) ? 'https://' + u : 'https://' + u + '-be.glean.com')).replace(/\\/+$/, '').replace(/\\/rest\\/api\\/v1$/i, '').replace(/\\/+$/, ''))(String($credentials.baseUrl ?? '').trim()) }}";

/**
 * What "Test credential" says when Glean refuses. Without these, n8n's dialog shows only the HTTP
 * reason (e.g. "Unauthorized"). Worded as the node's own errors (setupHints.ts). n8n reads each
 * rule by its `type`, though the type of `rules` allows only one kind per list.
 */
const TEST_RULES: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	{
		type: 'responseCode',
		properties: {
			value: 401,
			message: `Glean rejected the API token (401). ${TOKEN_REJECTED_HINT} An expired token needs a new one too.`,
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 403,
			message: `Glean refused this token (403). ${SCOPE_HINT}`,
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 400,
			message: `Glean refused the request (400). ${ACT_AS_HINT} If Act As is set, check that this user exists in Glean and that the Base URL is Glean's API host.`,
		},
	},
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

export class GleanChatApi implements ICredentialType {
	name = 'gleanChatApi';

	displayName = 'Glean Chat API';

	icon: Icon = { light: 'file:glean.svg', dark: 'file:glean.dark.svg' };

	documentationUrl = 'https://developers.glean.com/api-info/client/authentication/overview';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://acme-be.glean.com',
			description:
				'Your Glean API host, e.g. https://acme-be.glean.com. A bare instance name ("acme") and a trailing "/rest/api/v1" are accepted too.',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Glean API token with the CHAT scope (user-scoped or global), or an OAuth access token',
		},
		{
			displayName: 'Token Type',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'Glean API Token',
					value: 'token',
					description:
						'A token created in Glean (Admin console → API tokens), or one from Glean’s own OAuth server',
				},
				{
					name: 'OAuth Access Token (External Identity Provider)',
					value: 'oauth',
					description:
						'An access token issued by your identity provider; sends X-Glean-Auth-Type: OAUTH',
				},
			],
			default: 'token',
		},
		{
			displayName: 'Act As (Email)',
			name: 'actAs',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			description:
				'The user a global token acts for, sent as X-Glean-ActAs. Required by Glean for global tokens; leave empty for user-scoped tokens. A node can override it.',
		},
	];

	/**
	 * A function rather than a generic block: n8n's generic authentication always writes every
	 * header (an empty Act As would still be sent) and overwrites headers the node already set,
	 * so a node-level Act As could not win over the credential's.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// "Test credential" and every request come through here: a Base URL that would carry the
		// token in plain text (http to another machine) gets no token at all.
		const problem = baseUrlProblem(normalizeBaseUrl(String(credentials.baseUrl ?? '')));
		if (problem !== undefined) {
			throw new UserError(`The Base URL cannot be used: ${problem}. The API token was not sent.`);
		}
		const headers = { ...(requestOptions.headers ?? {}) };
		headers.Authorization = `Bearer ${String(credentials.apiToken ?? '').trim()}`;
		if (credentials.authType === 'oauth') {
			headers['X-Glean-Auth-Type'] = 'OAUTH';
		}
		const actAs = String(credentials.actAs ?? '').trim();
		const hasNodeActAs = Object.keys(headers).some(
			(name) => name.toLowerCase() === 'x-glean-actas',
		);
		if (actAs !== '' && !hasNodeActAs) {
			headers['X-Glean-ActAs'] = actAs;
		}
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: NORMALIZED_BASE_URL,
			url: '/rest/api/v1/listchats',
			method: 'POST',
		},
		rules: TEST_RULES as IAuthenticateRuleResponseCode[],
	};
}
