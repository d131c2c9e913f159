import type { GleanCitation } from './gleanTypes';

/** One source of an answer, reduced to what a workflow needs. */
export interface SimplifiedCitation {
	title?: string;
	url?: string;
	datasource?: string;
	documentId?: string;
	type: 'document' | 'file' | 'person' | 'entity' | 'skill' | 'other';
}

function simplifyCitation(citation: GleanCitation): SimplifiedCitation {
	const document = citation.sourceDocument;
	if (document && typeof document === 'object') {
		return compact({
			title: stringOrUndefined(document.title),
			url: stringOrUndefined(document.url),
			datasource: stringOrUndefined(document.datasource ?? document.metadata?.datasource),
			documentId: stringOrUndefined(document.id),
			type: 'document' as const,
		});
	}
	const file = citation.sourceFile;
	if (file && typeof file === 'object') {
		return compact({
			title: stringOrUndefined(file.name),
			url: stringOrUndefined(file.url),
			documentId: stringOrUndefined(file.id),
			type: 'file' as const,
		});
	}
	const person = citation.sourcePerson;
	if (person && typeof person === 'object') {
		return compact({
			title: stringOrUndefined(person.name),
			documentId: stringOrUndefined(person.obfuscatedId),
			type: 'person' as const,
		});
	}
	const entity = citation.sourceCustomEntity;
	if (entity && typeof entity === 'object') {
		return compact({
			title: stringOrUndefined(entity.title),
			documentId: stringOrUndefined(entity.id),
			type: 'entity' as const,
		});
	}
	const skill = citation.sourceSkill;
	if (skill && typeof skill === 'object') {
		return compact({
			title: stringOrUndefined(skill.name),
			documentId: stringOrUndefined(skill.id),
			type: 'skill' as const,
		});
	}
	return { type: 'other' };
}

function citationKey(simplified: SimplifiedCitation, citation: GleanCitation): string {
	const identity = simplified.documentId ?? simplified.url ?? simplified.title;
	if (identity !== undefined) return `${simplified.type}:${identity}`;
	return `other:${JSON.stringify(citation)}`;
}

export function stringOrUndefined(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export function compact<T extends object>(value: T): T {
	const result = {} as T;
	for (const key of Object.keys(value) as Array<keyof T>) {
		if (value[key] !== undefined) result[key] = value[key];
	}
	return result;
}

/** Every citation of an answer once, in first-seen order; messages refer to them by index. */
export class CitationTable {
	readonly entries: SimplifiedCitation[] = [];

	private readonly indexByKey = new Map<string, number>();

	/** Adds a citation unless it is known (by document ID, URL or title); returns its index. */
	add(citation: GleanCitation | null | undefined): number | undefined {
		if (!citation || typeof citation !== 'object') return undefined;
		const simplified = simplifyCitation(citation);
		const key = citationKey(simplified, citation);
		const known = this.indexByKey.get(key);
		if (known !== undefined) return known;
		this.entries.push(simplified);
		this.indexByKey.set(key, this.entries.length - 1);
		return this.entries.length - 1;
	}
}
