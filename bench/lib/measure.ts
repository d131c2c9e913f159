/** Timing, statistics and the tables every benchmark prints. */

export function now(): number {
	return performance.now();
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The value below which `q` of the values lie (linear between neighbours). */
export function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	const position = (sorted.length - 1) * q;
	const below = Math.floor(position);
	const above = Math.ceil(position);
	return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export interface Row {
	[column: string]: string | number;
}

/** A Markdown table (it reads well in a terminal too). */
export function table(rows: Row[]): string {
	const columns = Object.keys(rows[0] ?? {});
	const cells = rows.map((row) => columns.map((column) => String(row[column])));
	const widths = columns.map((column, index) =>
		Math.max(column.length, ...cells.map((cell) => cell[index].length)),
	);
	const line = (values: string[]) =>
		`| ${values.map((value, index) => value.padEnd(widths[index])).join(' | ')} |`;
	return [
		line(columns),
		`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
		...cells.map(line),
	].join('\n');
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ratio = (ours: number, baseline: number) => `${(ours / baseline).toFixed(2)}x`;
