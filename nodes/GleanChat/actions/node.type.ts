/** The resource → operation map the router switches on, so the compiler checks every entry. */
export type GleanChatOperations = {
	chat: 'sendMessage' | 'getAll' | 'get' | 'delete' | 'deleteAll';
	file: 'upload' | 'get' | 'delete' | 'download';
	application: 'get';
	agent: 'run' | 'search' | 'get' | 'getSchemas';
};

export type GleanChatResource = keyof GleanChatOperations;
