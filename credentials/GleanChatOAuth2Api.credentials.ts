import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { baseUrlExpression } from '../nodes/GleanChat/transport/baseUrl';
import { credentialTest } from '../nodes/GleanChat/transport/credentialTest';
import { OAUTH_RECONNECT_HINT, OAUTH_SCOPE_HINT } from '../nodes/GleanChat/transport/setupHints';

/**
 * Sign in with Glean: n8n's OAuth2 authorization code flow with PKCE against the Glean
 * deployment's own authorization server, which Glean's developer docs describe
 * (developers.glean.com, api-info/client/authentication/oauth): OAuth 2.1, PKCE required,
 * endpoints `/oauth/authorize` and `/oauth/token` on the API host, scopes in lower case,
 * `offline_access` for a refresh token. n8n keeps the tokens and refreshes them itself.
 */
export class GleanChatOAuth2Api implements ICredentialType {
	name = 'gleanChatOAuth2Api';

	displayName = 'Glean Chat OAuth2 API';

	extends = ['oAuth2Api'];

	icon: Icon = { light: 'file:glean.svg', dark: 'file:glean.dark.svg' };

	documentationUrl = 'https://developers.glean.com/api-info/client/authentication/oauth';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://acme-be.glean.com',
			description:
				'Your Glean API host, e.g. https://acme-be.glean.com. A bare instance name ("acme") and a trailing "/rest/api/v1" are accepted too. Sign-in goes to its /oauth/authorize.',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: baseUrlExpression('$self["baseUrl"]', '/oauth/authorize'),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: baseUrlExpression('$self["baseUrl"]', '/oauth/token'),
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only if the OAuth client registered in Glean has a secret; leave empty for a public client (PKCE alone)',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'chat offline_access',
			description:
				'Space-separated Glean scopes: chat for every Glean Chat operation, offline_access so n8n gets a refresh token and keeps the credential working without signing in again',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];

	// With OAuth2, n8n signs the request with the access token (refreshing it once on a 401).
	test: ICredentialTestRequest = credentialTest('$credentials.baseUrl', {
		401: `Glean did not accept the sign-in (401). ${OAUTH_RECONNECT_HINT}`,
		403: `Glean refused the signed-in user (403). ${OAUTH_SCOPE_HINT}`,
	});
}
