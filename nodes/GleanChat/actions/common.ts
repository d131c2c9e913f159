import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { timezoneOffsetMinutes } from '../helpers/timezone';
import type { GleanResponse } from '../transport';
import { gleanApiRequest } from '../transport';

/** Options every operation shares; each operation's "Options" collection starts from these. */

export const actAsOption: INodeProperties = {
	displayName: 'Act As',
	name: 'actAs',
	type: 'string',
	default: '',
	placeholder: 'e.g. name@example.com',
	description: 'E-mail of the user to act as (global tokens only); overrides the credential’s Act As',
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

/** An "Options" collection, entries sorted by name as n8n's editor convention wants. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The `timezoneOffset` and `locale` query parameters Glean's endpoints take. */
export function gleanQuery(context: IExecuteFunctions, options: IDataObject): IDataObject {
	return {
		timezoneOffset:
			typeof options.timezoneOffset === 'number'
				? options.timezoneOffset
				: timezoneOffsetMinutes(context.getTimezone()),
		locale: options.locale,
	};
}

/**
 * A JSON call to `endpoint` with the item's shared options applied (query parameters and Act As):
 * what every operation but Send Message and Download does.
 */
export async function callGleanWithOptions(
	this: IExecuteFunctions,
	itemIndex: number,
	endpoint: string,
	body?: IDataObject | FormData,
): Promise<GleanResponse<unknown>> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return await gleanApiRequest.call(
		this,
		{ method: 'POST', endpoint, body, qs: gleanQuery(this, options), actAs: options.actAs as string | undefined },
		itemIndex,
	);
}

/** A required text parameter, trimmed; empty is an error naming the item and the parameter. */
export function requiredText(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	displayName: string,
	fix: string,
): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (value === '') {
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: the "${displayName}" parameter is empty`, {
			itemIndex,
			description: `${fix} Nothing was sent to Glean.`,
		});
	}
	return value;
}
