import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredIds } from '../common';

export const fileIdsParameter: INodeProperties = {
	displayName: 'File IDs',
	name: 'fileIds',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. FILE_123, FILE_456',
	description:
		'One file ID, a comma-separated list, or an array from an expression (e.g. the fileIds of an Upload)',
};

/** The item's file IDs; none at all is an error before any request. */
export function readFileIds(context: IExecuteFunctions, itemIndex: number): string[] {
	return requiredIds(context, itemIndex, {
		name: 'fileIds',
		displayName: 'File IDs',
		what: 'file',
	});
}

/** What Glean's 404 means for a call naming file IDs. */
export const FILE_NOT_FOUND =
	'Glean does not know one of these files for this user: it was deleted, or uploaded by another user. Check the File IDs, and the Act As user if you use a global token.';
