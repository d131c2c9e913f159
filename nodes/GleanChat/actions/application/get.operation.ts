import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { GET_CHAT_APPLICATION_RESPONSE } from '../../helpers/gleanShapes';
import {
	actAsOption,
	callGleanWithOptions,
	localeOption,
	optionsCollection,
	requiredText,
	timezoneOffsetOption,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Application ID',
		name: 'applicationId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the Glean chat application (AI App), as set up by your Glean admin',
	},
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['application'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const applicationId = requiredText(
		this,
		itemIndex,
		'applicationId',
		'Application ID',
		'Fill "Application ID" with the ID of a Glean chat application.',
	);
	const { body } = await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'getchatapplication',
		shape: GET_CHAT_APPLICATION_RESPONSE,
		body: { id: applicationId },
		notFound: `Glean has no chat application "${applicationId}" this user may use. Check the Application ID with your Glean admin.`,
	});
	const application = ((body || {}) as { application?: IDataObject }).application ?? {};
	return [{ json: application }];
}
