/** The resource → operation map the router switches on, so the compiler checks every entry. */
export type GleanChatOperations = {
	chat: 'sendMessage';
};

export type GleanChatResource = keyof GleanChatOperations;
