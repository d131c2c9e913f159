/**
 * Minutes east of UTC of `timeZone` at `at` (Glean's `timezoneOffset`: PDT is -420).
 * Computed with Intl so it follows daylight saving without a date library.
 */
export function timezoneOffsetMinutes(timeZone: string, at: Date = new Date()): number {
	const parts = formatterFor(timeZone).formatToParts(at);
	const field = (type: Intl.DateTimeFormatPartTypes): number =>
		Number(parts.find((part) => part.type === type)?.value ?? 0);
	const wallClockAsUtc = Date.UTC(
		field('year'),
		field('month') - 1,
		field('day'),
		field('hour'),
		field('minute'),
		field('second'),
	);
	const instant = Math.floor(at.getTime() / 1000) * 1000;
	return Math.round((wallClockAsUtc - instant) / 60_000);
}

// Building a formatter costs far more than using one, and every item asks: one per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (formatter === undefined) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}
