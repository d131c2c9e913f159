import type { IDataObject } from 'n8n-workflow';

import type { GleanChatFile } from '../../helpers/gleanTypes';

/** A ChatFile as an item: id, name and status on top, everything else Glean sent kept. */
export function chatFileItem(file: GleanChatFile, id: string | undefined = file.id): IDataObject {
	const { metadata, ...rest } = file;
	const item: IDataObject = { id, name: file.name, status: metadata?.status };
	for (const [key, value] of Object.entries({ ...rest, ...(metadata ?? {}) })) {
		if (!(key in item) || item[key] === undefined) item[key] = value as IDataObject[string];
	}
	for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
	return item;
}
