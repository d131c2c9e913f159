/**
 * The parts of Glean's Client API chat schemas this package reads. Every interface stays open
 * (`[key: string]: unknown`) because Glean sends fields its spec lacks and raw output keeps them.
 */

export interface GleanDocument {
	id?: string;
	title?: string;
	url?: string;
	datasource?: string;
	docType?: string;
	metadata?: { datasource?: string; [key: string]: unknown };
	[key: string]: unknown;
}

export interface GleanChatFile {
	id?: string;
	name?: string;
	url?: string;
	metadata?: { status?: string; mimeType?: string; [key: string]: unknown };
	[key: string]: unknown;
}

export interface GleanPerson {
	name?: string;
	obfuscatedId?: string;
	[key: string]: unknown;
}

export interface GleanCitation {
	sourceDocument?: GleanDocument;
	sourceFile?: GleanChatFile;
	sourcePerson?: GleanPerson;
	sourceCustomEntity?: { id?: string; title?: string; [key: string]: unknown };
	sourceSkill?: { id?: string; name?: string; [key: string]: unknown };
	[key: string]: unknown;
}

export interface GleanFragment {
	text?: string;
	citation?: GleanCitation;
	querySuggestion?: { query?: string; datasource?: string; [key: string]: unknown };
	structuredResults?: Array<{ document?: GleanDocument; [key: string]: unknown }>;
	[key: string]: unknown;
}

export interface GleanAgentConfig {
	agent?: string;
	mode?: string;
	/** Where the spec's own streaming example puts it (real lines have it on the message). */
	hasMoreFragments?: boolean;
	[key: string]: unknown;
}

export interface GleanChatMessage {
	author?: string;
	messageType?: string;
	messageId?: string;
	fragments?: GleanFragment[] | null;
	citations?: GleanCitation[] | null;
	agentConfig?: GleanAgentConfig;
	stepId?: string;
	isStepComplete?: boolean;
	hasMoreFragments?: boolean;
	[key: string]: unknown;
}

export interface GleanChatResponse {
	messages?: GleanChatMessage[] | null;
	chatId?: string;
	followUpPrompts?: string[];
	backendTimeMillis?: number;
	[key: string]: unknown;
}
