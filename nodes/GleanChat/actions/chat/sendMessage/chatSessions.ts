import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Which Glean chat belongs to which session key (e.g. a Chat Trigger's sessionId), kept in the
 * workflow's static data, so a chat widget holds a real conversation with no extra nodes. n8n
 * saves static data after production executions (an active workflow), not after manual test
 * runs. Entries expire, and the map keeps at most MAX_SESSIONS, the least recently used going first.
 */

const MAX_SESSIONS = 1000;

interface SessionEntry {
	chatId: string;
	/** When the session was last used, in ms since the epoch. */
	usedAt: number;
	/** Its own expiry: items may set different ones. */
	expiryMinutes?: number;
}

const expired = (entry: SessionEntry, now: number, fallbackMinutes: number) =>
	now - entry.usedAt > (entry.expiryMinutes ?? fallbackMinutes) * 60_000;

function sessions(context: IExecuteFunctions): Record<string, SessionEntry> {
	const staticData = context.getWorkflowStaticData('node');
	staticData.gleanChatSessions ??= {};
	return staticData.gleanChatSessions as IDataObject as unknown as Record<string, SessionEntry>;
}

/** The chat ID remembered for `key`, unless it expired (then it is forgotten). */
function rememberedChat(
	context: IExecuteFunctions,
	key: string,
	expiryMinutes: number,
	now = Date.now(),
): string | undefined {
	const store = sessions(context);
	const entry = store[key];
	if (!entry) return undefined;
	if (expired({ ...entry, expiryMinutes }, now, expiryMinutes)) {
		delete store[key];
		return undefined;
	}
	return entry.chatId;
}

/** Remembers `chatId` for `key`; drops expired entries and, beyond MAX_SESSIONS, the least recently used. */
function rememberChat(
	context: IExecuteFunctions,
	key: string,
	chatId: string,
	expiryMinutes: number,
	now = Date.now(),
): void {
	const store = sessions(context);
	store[key] = { chatId, usedAt: now, expiryMinutes };
	for (const other of Object.keys(store)) {
		if (expired(store[other], now, expiryMinutes)) delete store[other];
	}
	const left = Object.keys(store);
	if (left.length > MAX_SESSIONS) {
		left
			.sort((a, b) => store[a].usedAt - store[b].usedAt)
			.slice(0, left.length - MAX_SESSIONS)
			.forEach((old) => delete store[old]);
	}
}

function forgetChat(context: IExecuteFunctions, key: string): void {
	delete sessions(context)[key];
}

/** The chat a message continues, and what the session does with the chat Glean answers in. */
export interface MessageChat {
	/** The Chat ID parameter, else the chat remembered for the session, else '' (a new chat). */
	chatId: string;
	/** Whether `chatId` is the session's (not a Chat ID given for this message). */
	fromSession: boolean;
	/** Remembers the chat Glean answered in for the session: the one it continued or started, not a one-off Chat ID. */
	remember(answeredChatId: string | undefined): void;
	/** A remembered chat Glean no longer accepts (400, 403, 404: deleted, or another user's): the next message starts a new one. */
	forgetIfRefused(error: unknown): void;
}

export function messageChat(
	context: IExecuteFunctions,
	session: { key: string; expiryMinutes: number } | undefined,
	chatIdParameter: string,
): MessageChat {
	const remembered =
		chatIdParameter === '' && session !== undefined
			? rememberedChat(context, session.key, session.expiryMinutes)
			: undefined;
	const chatId = remembered ?? chatIdParameter;
	return {
		chatId,
		fromSession: remembered !== undefined,
		remember: (answeredChatId) => {
			if (session !== undefined && (remembered !== undefined || chatId === '') && answeredChatId) {
				rememberChat(context, session.key, answeredChatId, session.expiryMinutes);
			}
		},
		forgetIfRefused: (error) => {
			const status = (error as { httpCode?: string | null } | undefined)?.httpCode;
			if (
				session !== undefined &&
				remembered !== undefined &&
				(status === '400' || status === '403' || status === '404')
			)
				forgetChat(context, session.key);
		},
	};
}
