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
	return url.replace(/\/+$/, '').replace(/\/rest\/api\/v1$/i, '').replace(/\/+$/, '');
}
