import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { baseUrlProblem, normalizeBaseUrl } from '../nodes/GleanChat/transport/baseUrl';
import { baseUrlField, credentialTest } from '../nodes/GleanChat/transport/credentialParts';
import {
	ACT_AS_HINT,
	SCOPE_HINT,
	TOKEN_REJECTED_HINT,
} from '../nodes/GleanChat/transport/setupHints';

export class GleanChatApi implements ICredentialType {
	name = 'gleanChatApi';

	displayName = 'Glean Chat API';

	icon: Icon = { light: 'file:glean.svg', dark: 'file:glean.dark.svg' };

	documentationUrl = 'https://developers.glean.com/api-info/client/authentication/overview';

	properties: INodeProperties[] = [
		baseUrlField(),
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Glean API token with the CHAT scope (and AGENTS, to run Glean agents), user-scoped or global, or an OAuth access token',
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

	test: ICredentialTestRequest = credentialTest('$credentials.baseUrl', {
		401: `Glean rejected the API token (401). ${TOKEN_REJECTED_HINT} An expired token needs a new one too.`,
		403: `Glean refused this token (403). ${SCOPE_HINT}`,
		400: `Glean refused the request (400). ${ACT_AS_HINT} If Act As is set, check that this user exists in Glean and that the Base URL is Glean's API host.`,
	});
}
