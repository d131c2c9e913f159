import { TextAccumulator } from '../../nodes/GleanChat/helpers/textAccumulator';

describe('TextAccumulator', () => {
	test('keeps every piece in order across blocks, and can go on after being read', () => {
		const text = new TextAccumulator();
		const pieces = Array.from({ length: 5000 }, (_, index) => `${index},`);
		pieces.slice(0, 3000).forEach((piece) => text.push(piece));
		expect(text.toString()).toBe(pieces.slice(0, 3000).join(''));
		pieces.slice(3000).forEach((piece) => text.push(piece));
		text.push('');
		expect(text.toString()).toBe(pieces.join(''));
		expect(text.length).toBe(pieces.join('').length);
		// Reading again gives the same text (the whole is kept as the one block).
		expect(text.toString()).toBe(text.toString());
	});

	test('an emoji whose two UTF-16 halves arrive in different pieces, at a block boundary, survives', () => {
		const text = new TextAccumulator();
		const pieces = [...Array.from({ length: 1023 }, () => 'a'), '\ud83d', '\ude80', 'b'];
		pieces.forEach((piece) => text.push(piece));
		expect(text.toString()).toBe(`${'a'.repeat(1023)}🚀b`);
	});

	test('is empty until something is pushed', () => {
		const text = new TextAccumulator();
		expect([text.toString(), text.length]).toEqual(['', 0]);
	});
});
