import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { baseUrlExpression } from '../nodes/GleanChat/transport/baseUrl';
import { baseUrlField } from '../nodes/GleanChat/transport/credentialParts';

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
		baseUrlField('Sign-in goes to its /oauth/authorize.'),
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
				'Space-separated Glean scopes: chat for every Glean Chat operation, agents to run Glean agents (add it if Glean’s OAuth client allows it), offline_access so n8n gets a refresh token and keeps the credential working without signing in again',
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

	// No `test` request: n8n 2.41's dialog never runs one for an OAuth2 credential (it shows
	// "Account connected" instead), and its REST test has no stored tokens to sign it with
	// ("Unable to sign without access token"). n8n's own OAuth2 check (a token is stored) applies.
}
