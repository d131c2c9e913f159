import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { GET_CHAT_RESPONSE } from '../../helpers/gleanShapes';
import { CitationTable } from '../../helpers/citations';
import type { GleanChatMessage } from '../../helpers/gleanTypes';
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
		displayName: 'Chat ID',
		name: 'chatId',
		type: 'string',
		required: true,
		default: '',
		description:
			'ID of the saved chat: the chatId of a Send Message answer, or a chat ID from Get Many',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to reduce each message to author, type, text, citations and time instead of Glean’s whole message',
	},
	optionsCollection([actAsOption, localeOption, timezoneOffsetOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const chatId = requiredText(
		this,
		itemIndex,
		'chatId',
		'Chat ID',
		'Fill "Chat ID" with the ID of a saved chat, e.g. {{ $json.chatId }}.',
	);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const { body } = await callGleanWithOptions.call(this, itemIndex, {
		endpoint: 'getchat',
		shape: GET_CHAT_RESPONSE,
		body: { id: chatId },
		notFound: `Glean has no chat "${chatId}" for this user: it was deleted, or belongs to another user. Check the Chat ID, and the Act As user if you use a global token.`,
	});
	const result =
		((body || {}) as { chatResult?: { chat?: IDataObject; trackingToken?: string } }).chatResult ??
		{};
	const chat: IDataObject = { ...(result.chat ?? {}) };
	if (result.trackingToken !== undefined) chat.trackingToken = result.trackingToken;
	if (simplify && Array.isArray(chat.messages)) {
		chat.messages = (chat.messages as GleanChatMessage[]).map(simplifyMessage);
	}
	return [{ json: chat }];
}

/** A message reduced to what a workflow reads: who, what kind, the text, its sources, when. */
function simplifyMessage(message: GleanChatMessage): IDataObject {
	const fragments = Array.isArray(message.fragments) ? message.fragments : [];
	const text = fragments
		.map((fragment) => (typeof fragment?.text === 'string' ? fragment.text : ''))
		.join('');
	const citations = new CitationTable();
	for (const fragment of fragments) citations.add(fragment?.citation);
	for (const citation of Array.isArray(message.citations) ? message.citations : [])
		citations.add(citation);
	const simplified: IDataObject = {
		author: message.author ?? 'USER',
		type: message.messageType ?? 'CONTENT',
		text,
		citations: citations.entries as unknown as IDataObject[],
	};
	if (typeof message.ts === 'string') simplified.time = message.ts;
	if (typeof message.messageId === 'string') simplified.messageId = message.messageId;
	return simplified;
}
