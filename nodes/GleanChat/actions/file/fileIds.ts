import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseIdList } from '../../helpers/idList';

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
	const fileIds = parseIdList(context.getNodeParameter('fileIds', itemIndex, ''));
	if (fileIds.length === 0) {
		throw new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: the "File IDs" parameter has no ID`,
			{
				itemIndex,
				description:
					'Give one file ID, a comma-separated list, or an array such as {{ $json.fileIds }}. Nothing was sent to Glean.',
			},
		);
	}
	return fileIds;
}

/** What Glean's 404 means for a call naming file IDs. */
export const FILE_NOT_FOUND =
	'Glean does not know one of these files for this user: it was deleted, or uploaded by another user. Check the File IDs, and the Act As user if you use a global token.';
