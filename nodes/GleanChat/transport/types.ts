import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { RetryPolicy } from './retry';

/** The shapes every part of the transport shares. */

export type ByteStream = AsyncIterable<Uint8Array>;

export interface GleanCall {
	method: IHttpRequestMethods;
	/** Path under /rest/api/v1, e.g. `chat` or `chat-files/FILE_1`. */
	endpoint: string;
	/** JSON, or multipart form data (global FormData) for file uploads. */
	body?: IDataObject | FormData;
	/** `timezoneOffset`, `locale` and other query parameters; empty values are dropped. */
	qs?: IDataObject;
	/** Overrides the credential's Act As for this call. */
	actAs?: string;
	/** How often to try again when Glean is busy or unreachable (default: DEFAULT_RETRY_POLICY). */
	retry?: RetryPolicy;
	/**
	 * False when running the call twice could do its work twice (a message saved to a chat):
	 * then only 429 and 503, which Glean refuses before acting, are tried again.
	 */
	idempotent?: boolean;
	/** With `idempotent` false: what the call does only once, for the errors (default: a message saved to a chat). */
	onceOnly?: OnceOnly;
	/** The `timeoutMillis` sent to Glean: the client gives up a little after it. */
	timeoutMillis?: number;
	/**
	 * What a 404 means for this call, e.g. that Glean does not know a chat ID. Without it a 404
	 * means no Glean API answered at the Base URL.
	 */
	notFound?: string;
}

/** What a call that is not tried again after it may have reached Glean does, in the words of its errors. */
export interface OnceOnly {
	/** E.g. "for a message saved to a chat". */
	what: string;
	/** Why it was not tried again, and what to check before running the item again. */
	note: string;
}

export interface GleanResponse<Body> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: Body;
}

/**
 * One running item's place among the node's "Concurrency" places (actions/itemPool.ts). An item
 * that only waits (to try again after Glean's 429) can lend it to the next item and take it back
 * to go on.
 */
export interface ItemPlace {
	/** Lends the place while the item waits; false when `concurrency` items already lend theirs. */
	lend(): boolean;
	/** Resolves once the item has a place again (before any item not yet started). */
	takeBack(): Promise<void>;
}
