import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	NodeOperationError,
} from 'n8n-workflow';

import type { RetryPolicy } from '../transport';
import { DEFAULT_RETRY_POLICY, operationError } from '../transport';

/** Options every operation shares; each operation's "Options" collection starts from these. */

export const actAsOption: INodeProperties = {
	displayName: 'Act As',
	name: 'actAs',
	type: 'string',
	default: '',
	placeholder: 'e.g. name@example.com',
	description:
		'E-mail of the user to act as (global tokens only); overrides the credential’s Act As',
	// With OAuth2 the signed-in user is the user: Glean takes Act As from global tokens only.
	displayOptions: { show: { '/authentication': ['apiToken'] } },
};

export const localeOption: INodeProperties = {
	displayName: 'Locale',
	name: 'locale',
	type: 'string',
	default: '',
	placeholder: 'e.g. en, ja, pt-BR',
	description: 'Language and formats for Glean’s answer, as an RFC 5646 tag',
};

export const timezoneOffsetOption: INodeProperties = {
	displayName: 'Timezone Offset (Minutes)',
	name: 'timezoneOffset',
	type: 'number',
	default: 0,
	description:
		'Minutes east of UTC for dates in Glean’s answer (PDT is -420). Without this option the workflow’s time zone is used.',
};

export const retryOption: INodeProperties = {
	displayName: 'Retry',
	name: 'retry',
	type: 'fixedCollection',
	// Literals, as n8n's lint wants; they equal DEFAULT_RETRY_POLICY (a test checks).
	default: { settings: { maxAttempts: 5, maxWaitSeconds: 120 } },
	placeholder: 'Add Retry Settings',
	description:
		'When Glean is busy (429, 503) or briefly unreachable, wait and try again. Without this option: 5 attempts, at most 120 seconds of waiting.',
	options: [
		{
			displayName: 'Settings',
			name: 'settings',
			values: [
				{
					displayName: 'Max Attempts',
					name: 'maxAttempts',
					type: 'number',
					default: 5,
					typeOptions: { minValue: 1, maxValue: 10 },
					description: 'Tries in all, the first included; 1 turns retries off',
				},
				{
					displayName: 'Max Total Wait (Seconds)',
					name: 'maxWaitSeconds',
					type: 'number',
					default: 120,
					typeOptions: { minValue: 0, maxValue: 3600 },
					description:
						'The most all waits between tries may add up to (at most an hour). A Retry-After from Glean longer than what is left ends the retries at once.',
				},
			],
		},
	],
};

/** The item's retry limits from the "Retry" option; out-of-range values are errors before any request. */
export function readRetryPolicy(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): RetryPolicy {
	const settings = (
		options.retry as { settings?: { maxAttempts?: unknown; maxWaitSeconds?: unknown } } | undefined
	)?.settings;
	const maxAttempts = settings?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts;
	const maxWaitSeconds = settings?.maxWaitSeconds ?? DEFAULT_RETRY_POLICY.maxWaitMillis / 1000;
	if (
		typeof maxAttempts !== 'number' ||
		!Number.isInteger(maxAttempts) ||
		maxAttempts < 1 ||
		maxAttempts > 10
	) {
		throw invalidOption(
			context,
			itemIndex,
			'Retry → Max Attempts',
			maxAttempts,
			'a whole number from 1 (no retries) to 10',
		);
	}
	if (
		typeof maxWaitSeconds !== 'number' ||
		!Number.isFinite(maxWaitSeconds) ||
		maxWaitSeconds < 0 ||
		maxWaitSeconds > 3600
	) {
		throw invalidOption(
			context,
			itemIndex,
			'Retry → Max Total Wait (Seconds)',
			maxWaitSeconds,
			'a number of seconds from 0 to 3600',
		);
	}
	const perMinute = options.maxRequestsPerMinute;
	if (
		perMinute !== undefined &&
		(typeof perMinute !== 'number' ||
			!Number.isFinite(perMinute) ||
			perMinute < 1 ||
			perMinute > MAX_PER_MINUTE)
	) {
		throw invalidOption(
			context,
			itemIndex,
			'Max Requests per Minute',
			perMinute,
			`a number from 1 to ${MAX_PER_MINUTE}`,
		);
	}
	return {
		maxAttempts,
		maxWaitMillis: Math.round(maxWaitSeconds * 1000),
		maxPerMinute: perMinute,
	};
}

const MAX_PER_MINUTE = 6000;

export const maxRequestsPerMinuteOption: INodeProperties = {
	displayName: 'Max Requests per Minute',
	name: 'maxRequestsPerMinute',
	type: 'number',
	default: 30,
	typeOptions: { minValue: 1, maxValue: MAX_PER_MINUTE },
	description:
		'Space the requests for the same Glean user to at most this many per minute, from the first one, so Glean never has to refuse them (429). Without this option the node learns the pace from Glean’s 429 answers. Glean allows about 30 chat messages per minute per user.',
};

/** An option value out of range: the error names the item, the option and what it must be. */
export function invalidOption(
	context: IExecuteFunctions,
	itemIndex: number,
	displayName: string,
	value: unknown,
	expected: string,
): NodeOperationError {
	return operationError(
		context.getNode(),
		`Item ${itemIndex}: "${displayName}" is ${JSON.stringify(value) ?? String(value)}, but must be ${expected}`,
		{ itemIndex, description: `Set "${displayName}" to ${expected}. Nothing was sent to Glean.` },
	);
}

/** An hour: longer than any agent run, and far below what the timers can count. */
const MAX_TIMEOUT_MILLIS = 3_600_000;

/** The item's "Timeout (Ms)" option, checked: undefined when not set. */
export function readTimeoutMillis(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): number | undefined {
	const timeoutMillis = options.timeoutMillis;
	if (
		timeoutMillis !== undefined &&
		(typeof timeoutMillis !== 'number' ||
			!Number.isInteger(timeoutMillis) ||
			timeoutMillis < 1 ||
			timeoutMillis > MAX_TIMEOUT_MILLIS)
	) {
		throw invalidOption(
			context,
			itemIndex,
			'Timeout (Ms)',
			timeoutMillis,
			'a whole number of milliseconds from 1 to 3600000 (an hour), e.g. 60000',
		);
	}
	return timeoutMillis;
}

/** "Return All" and "Limit", as n8n's Get Many operations have them. */
export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

/** How many results the item keeps: Infinity with "Return All", else its checked "Limit". */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number {
	if (context.getNodeParameter('returnAll', itemIndex, false) === true) return Infinity;
	const limit = context.getNodeParameter('limit', itemIndex, 50) as unknown;
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw invalidOption(
			context,
			itemIndex,
			'Limit',
			limit,
			'a whole number, 1 or more (or turn on "Return All")',
		);
	}
	return limit;
}

export const MAX_CONCURRENCY = 50;

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 1, maxValue: 50 },
	description:
		'How many items to send to Glean at the same time. Outputs keep the input order. Glean allows about one chat message every two seconds per user: once it answers 429, requests take turns at the pace it allows, and Concurrency still lets slow answers overlap. An item that only reads lets the next item go while it waits to try again.',
};

/**
 * An "Options" collection: the operation's options plus "Concurrency", "Max Requests per Minute"
 * and "Retry", which every operation has, sorted by name as n8n's editor convention wants.
 */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options, concurrencyOption, maxRequestsPerMinuteOption, retryOption].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}
