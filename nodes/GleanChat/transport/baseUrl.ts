/**
 * Turns what users type as the Glean host into the API origin: `acme` means
 * `https://acme-be.glean.com`; a missing scheme means https; a trailing `/` or `/rest/api/v1`
 * is dropped. The credential's test request repeats these rules as an expression.
 */
export function normalizeBaseUrl(input: string): string {
	const raw = input.trim();
	let url: string;
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) url = raw;
	else if (/[.:]/.test(raw)) url = `https://${raw}`;
	else url = `https://${raw}-be.glean.com`;
	return url
		.replace(/\/+$/, '')
		.replace(/\/rest\/api\/v1$/i, '')
		.replace(/\/+$/, '');
}

/** Hosts where plain http is fine: the token never leaves the machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a normalised Base URL cannot be Glean's API origin, or undefined when it can. Checked
 * before every request, so a typo or an http:// address never carries the token anywhere.
 */
export function baseUrlProblem(baseUrl: string): string | undefined {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return 'it is not a valid address';
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return `it uses "${url.protocol.replace(/:$/, '')}", but Glean is reached over https`;
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) {
		return 'it uses plain http, which would send the API token unencrypted; only localhost and 127.0.0.1 may use http';
	}
	if (url.username !== '' || url.password !== '') return 'it contains a user name or password';
	if (url.search !== '' || url.hash !== '') return 'it contains a query (?…) or fragment (#…)';
	if (url.pathname !== '/' && url.pathname !== '') {
		return `it has the path "${url.pathname}", but Glean's API lives at the root of its host (only /rest/api/v1 may follow it)`;
	}
	return undefined;
}

/** Where an expression sends a Base URL that would use plain http off this machine: nowhere (RFC 2606 reserves `.invalid`). */
export const INSECURE_BASE_URL_STAND_IN = 'https://plain-http-is-only-for-localhost.invalid';

/**
 * `normalizeBaseUrl` written as an n8n expression over `source` (e.g. `$credentials.baseUrl` or
 * `$self["baseUrl"]`), followed by `path`: for what n8n resolves before any node code runs (the
 * credential test, the OAuth2 sign-in). A plain-http address other than loopback becomes
 * INSECURE_BASE_URL_STAND_IN, so no token, code or client secret travels unencrypted.
 */
export function baseUrlExpression(source: string, path = ''): string {
	const normalized =
		"(/^[a-z][a-z0-9+.-]*:\\/\\//i.test(u) ? u : (/[.:]/.test(u) ? 'https://' + u : 'https://' + u + '-be.glean.com')).replace(/\\/+$/, '').replace(/\\/rest\\/api\\/v1$/i, '').replace(/\\/+$/, '')";
	const secure = `(/^http:\\/\\//i.test(n) && !/^http:\\/\\/(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d+)?$/i.test(n) ? '${INSECURE_BASE_URL_STAND_IN}' : n)`;
	return `={{ ((u) => ((n) => ${secure} + '${path}')(${normalized}))(String(${source} ?? '').trim()) }}`;
}
