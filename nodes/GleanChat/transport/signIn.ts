import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CheckedCredential } from './credential';
import { forgetItemCredentials, SIGN_IN_CREDENTIAL } from './credential';
import { redact } from './redact';
import type { AttemptFailure } from './retry';
import { OAUTH_RECONNECT_HINT } from './setupHints';

/**
 * Keeping the OAuth2 sign-in alive. n8n refreshes an OAuth2 access token when its own request
 * path sees a 401, but the transport reads Glean's refusals itself (`ignoreHttpStatusErrors`),
 * so on Glean's 401 it asks n8n to refresh (`helpers.refreshOAuth2Token`, n8n-core 2.x: one
 * refresh per credential at a time, stored for every later request) and tries once more.
 */

/** Whether this try's failure is an OAuth2 access token Glean no longer takes, not yet refreshed. */
export function signInExpired(
	credential: CheckedCredential,
	failure: AttemptFailure,
	alreadyRefreshed: boolean,
): boolean {
	return (
		credential.type === SIGN_IN_CREDENTIAL &&
		!alreadyRefreshed &&
		failure.kind === 'status' &&
		failure.statusCode === 401
	);
}

/**
 * Has n8n refresh the credential's access token (at Glean's `/oauth/token`, refresh grant) and
 * store it; the next request is signed with it.
 * @throws NodeOperationError naming the item and saying to reconnect the credential, when n8n
 * cannot refresh it: the refresh token was revoked or expired (`invalid_grant`), the sign-in
 * asked for no refresh token (`offline_access` missing), or the token endpoint failed.
 */
export async function refreshSignIn(
	this: IExecuteFunctions,
	credential: CheckedCredential,
	itemIndex: number,
): Promise<void> {
	const node = this.getNode();
	const fail = (message: string, description: string) =>
		new NodeOperationError(node, `Item ${itemIndex}: ${message}`, {
			itemIndex,
			description: `${description} ${OAUTH_RECONNECT_HINT}`,
		});
	if (typeof this.helpers.refreshOAuth2Token !== 'function') {
		throw fail(
			'Glean no longer accepts the access token, and this n8n cannot refresh it for a node',
			'Glean answered 401 (the access token expired or was revoked).',
		);
	}
	try {
		await this.helpers.refreshOAuth2Token.call(this, credential.type);
	} catch (error) {
		const reason = redact(
			error instanceof Error ? error.message : String(error),
			credential.secrets,
		);
		if (/no refresh token/i.test(reason)) {
			throw fail(
				'the access token expired and the credential has no refresh token',
				'Glean gives a refresh token only when the sign-in asks for offline_access: add it to the credential\'s "Scope" (and allow it on Glean\'s OAuth client), then reconnect.',
			);
		}
		if (/reconnect/i.test(reason)) {
			throw fail(
				'Glean ended the sign-in: the access token expired and Glean refused to renew it',
				'The refresh token was revoked or has expired (the user signed out, an admin revoked the app, or it went unused too long).',
			);
		}
		throw fail(
			'the access token expired and n8n could not refresh it',
			`Glean's token endpoint (${credential.baseUrl}/oauth/token) failed: ${reason}. Check the credential's Client ID and Client Secret.`,
		);
	}
	// The next read of the credential has the new access token, to keep it out of the output.
	forgetItemCredentials(this);
}
