/**
 * Reads an ID list the way users write one: a single ID, a comma-separated list, or an array
 * from an expression. Entries are trimmed; empty ones are dropped.
 */
export function parseIdList(value: unknown): string[] {
	const entries: unknown[] = Array.isArray(value) ? value.flat() : [value];
	const ids: string[] = [];
	for (const entry of entries) {
		if (entry === undefined || entry === null) continue;
		for (const piece of String(entry).split(',')) {
			const id = piece.trim();
			if (id !== '') ids.push(id);
		}
	}
	return ids;
}
