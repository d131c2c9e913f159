import { createHash, randomBytes } from 'node:crypto';

/**
 * Glean's OAuth 2.1 authorization server as the emulator plays it (issue 16): RFC 8414 metadata
 * at /.well-known/oauth-authorization-server, /oauth/authorize (approves at once and redirects
 * back with a code), /oauth/token (authorization code with PKCE S256, required; refresh tokens,
 * rotated, when `offline_access` was asked for). Glean's developer docs: authorization code with
 * PKCE is required, clients are registered by an admin (exact redirect URIs, maybe a secret).
 */
export interface OAuthClient {
	clientId: string;
	/** Confidential clients only; public clients (PKCE alone) have none. */
	clientSecret?: string;
	/** Redirect URIs accepted, compared exactly. */
	redirectUris: string[];
}

export interface OAuthAnswer {
	status: number;
	headers?: Record<string, string>;
	json?: Record<string, unknown>;
	text?: string;
}

/** What one sign-in granted; kept across refreshes. */
export interface Grant {
	clientId: string;
	scope: string;
	/** The signed-in user, the same for every token of this sign-in. */
	subject: string;
}

export const OAUTH_SCOPES = ['chat', 'search', 'agents', 'offline_access'];

export class GleanOAuthServer {
	readonly clients = new Map<string, OAuthClient>();

	/** How long an access token lives, in milliseconds. */
	accessTokenMillis = 60 * 60_000;

	/** Every token request, for tests to inspect (form fields, without secrets masked). */
	readonly tokenRequests: Array<Record<string, string>> = [];

	private readonly codes = new Map<
		string,
		Grant & { redirectUri: string; challenge: string; expiresAt: number }
	>();

	private readonly accessTokens = new Map<string, Grant & { expiresAt: number }>();

	private readonly refreshTokens = new Map<string, Grant>();

	private signIns = 0;

	constructor(private readonly now: () => number = () => Date.now()) {}

	/** RFC 8414 metadata for the server at `base` (e.g. http://127.0.0.1:PORT). */
	metadata(base: string): OAuthAnswer {
		return {
			status: 200,
			json: {
				issuer: base,
				authorization_endpoint: `${base}/oauth/authorize`,
				token_endpoint: `${base}/oauth/token`,
				response_types_supported: ['code'],
				grant_types_supported: ['authorization_code', 'refresh_token'],
				code_challenge_methods_supported: ['S256'],
				token_endpoint_auth_methods_supported: [
					'none',
					'client_secret_basic',
					'client_secret_post',
				],
				scopes_supported: OAUTH_SCOPES,
			},
		};
	}

	/** GET /oauth/authorize: the user approves at once; back to the client with a code. */
	authorize(query: URLSearchParams): OAuthAnswer {
		const client = this.clients.get(query.get('client_id') ?? '');
		const redirectUri = query.get('redirect_uri') ?? '';
		// Per RFC 6749 §4.1.2.1: never redirect to a URI the client did not register.
		if (!client) return { status: 400, text: 'Unknown client_id\n' };
		if (!client.redirectUris.includes(redirectUri)) {
			return { status: 400, text: 'redirect_uri is not registered for this client\n' };
		}
		const back = new URL(redirectUri);
		const state = query.get('state');
		if (state !== null) back.searchParams.set('state', state);
		const challenge = query.get('code_challenge');
		if (query.get('response_type') !== 'code') {
			back.searchParams.set('error', 'unsupported_response_type');
		} else if (!challenge || query.get('code_challenge_method') !== 'S256') {
			back.searchParams.set('error', 'invalid_request');
			back.searchParams.set('error_description', 'PKCE with S256 is required');
		} else {
			const code = token('code');
			this.codes.set(code, {
				subject: `oauth-user-${++this.signIns}`,
				clientId: client.clientId,
				scope: query.get('scope') ?? '',
				redirectUri,
				challenge,
				expiresAt: this.now() + 60_000,
			});
			back.searchParams.set('code', code);
		}
		return { status: 302, headers: { Location: back.toString() } };
	}

	/** POST /oauth/token (form body): authorization_code with PKCE, or refresh_token. */
	token(form: URLSearchParams, authorization: string | undefined): OAuthAnswer {
		const fields = Object.fromEntries(form);
		this.tokenRequests.push(fields);
		const client = this.authenticate(fields, authorization);
		if (!client) return failure(401, 'invalid_client');
		if (fields.grant_type === 'authorization_code') {
			const code = this.codes.get(fields.code ?? '');
			this.codes.delete(fields.code ?? '');
			if (
				!code ||
				code.expiresAt < this.now() ||
				code.clientId !== client.clientId ||
				code.redirectUri !== fields.redirect_uri ||
				s256(fields.code_verifier ?? '') !== code.challenge
			) {
				return failure(400, 'invalid_grant');
			}
			return this.issue({ clientId: code.clientId, scope: code.scope, subject: code.subject });
		}
		if (fields.grant_type === 'refresh_token') {
			const grant = this.refreshTokens.get(fields.refresh_token ?? '');
			if (!grant || grant.clientId !== client.clientId) return failure(400, 'invalid_grant');
			// Rotated, as OAuth 2.1 asks of public clients: the old one is spent.
			this.refreshTokens.delete(fields.refresh_token!);
			return this.issue(grant);
		}
		return failure(400, 'unsupported_grant_type');
	}

	/** Whether `accessToken` is one this server issued and still live. */
	accepts(accessToken: string): boolean {
		return this.grantOf(accessToken) !== undefined;
	}

	/** The sign-in a live access token belongs to. */
	grantOf(accessToken: string): Grant | undefined {
		const grant = this.accessTokens.get(accessToken);
		return grant !== undefined && grant.expiresAt > this.now() ? grant : undefined;
	}

	/** Revokes every refresh token, as when the user signs out or an admin revokes the app. */
	revokeRefreshTokens(): void {
		this.refreshTokens.clear();
	}

	/** Ends every access token now (refresh tokens stay valid), as if an hour had passed. */
	expireAccessTokens(): void {
		for (const grant of this.accessTokens.values()) grant.expiresAt = 0;
	}

	private issue(grant: Grant): OAuthAnswer {
		const accessToken = token('glean-access');
		this.accessTokens.set(accessToken, {
			...grant,
			expiresAt: this.now() + this.accessTokenMillis,
		});
		const json: Record<string, unknown> = {
			access_token: accessToken,
			token_type: 'Bearer',
			expires_in: Math.round(this.accessTokenMillis / 1000),
			scope: grant.scope,
		};
		if (grant.scope.split(' ').includes('offline_access')) {
			const refreshToken = token('glean-refresh');
			this.refreshTokens.set(refreshToken, grant);
			json.refresh_token = refreshToken;
		}
		return { status: 200, json };
	}

	/** The client of a token request: client_secret_basic, client_secret_post, or none (public). */
	private authenticate(
		fields: Record<string, string>,
		authorization: string | undefined,
	): OAuthClient | undefined {
		let clientId = fields.client_id;
		let secret = fields.client_secret;
		if (authorization?.startsWith('Basic ')) {
			const [id, pass] = Buffer.from(authorization.slice(6), 'base64').toString().split(':');
			clientId = decodeURIComponent(id ?? '');
			secret = decodeURIComponent(pass ?? '');
		}
		const client = this.clients.get(clientId ?? '');
		if (!client) return undefined;
		if (client.clientSecret !== undefined && client.clientSecret !== secret) return undefined;
		return client;
	}
}

function failure(status: number, error: string): OAuthAnswer {
	return { status, json: { error } };
}

function token(prefix: string): string {
	return `${prefix}-${randomBytes(18).toString('base64url')}`;
}

/** The PKCE S256 challenge of `verifier` (RFC 7636 §4.2). */
export function s256(verifier: string): string {
	return createHash('sha256').update(verifier).digest('base64url');
}
