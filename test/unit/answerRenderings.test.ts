import fc from 'fast-check';

import { renderAnswer } from '../../nodes/GleanChat/helpers/answerRenderings';
import type { AnswerFormat } from '../../nodes/GleanChat/helpers/answerRenderings';
import { withoutClosingOffer } from '../../nodes/GleanChat/helpers/closingOffer';

/**
 * Glean's Markdown answers rendered for Slack, e-mail (HTML) and plain text, on a table of
 * tricky inputs, and the HTML rendering's safety as a property: whatever Glean writes, the only
 * tags and attributes in it are the ones the converter writes.
 */

const SOURCES = [
	{ title: 'Roadmap 2026 – Q4 update', url: 'https://wiki.example.com/roadmap/q4' },
	{ title: 'Pricing | FAQ & <draft>', url: 'https://docs.example.com/d?id=7&lang=en' },
];
const render = (answer: string, format: AnswerFormat, sources = SOURCES) =>
	renderAnswer(answer, sources, format);

describe('Slack', () => {
	test.each([
		['**bold**, *italic*, _italic_, ~~gone~~', '*bold*, _italic_, _italic_, ~gone~'],
		['# Heading\ntext', '*Heading*\n\ntext'],
		['a & b < c > d', 'a &amp; b &lt; c &gt; d'],
		['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
		[
			'[A | B * C > D & E](https://x.example/a?b=1&c=2)',
			'<https://x.example/a?b=1&amp;c=2|A ∣ B * C &gt; D &amp; E>',
		],
		[
			'[Rust](https://en.wikipedia.org/wiki/Rust_(language))',
			'<https://en.wikipedia.org/wiki/Rust_(language)|Rust>',
		],
		[
			'see [docs](https://d.example/x)[1]',
			'see <https://d.example/x|docs><https://wiki.example.com/roadmap/q4|[1]>',
		],
		['`**not bold** & <b>`', '`**not bold** &amp; &lt;b&gt;`'],
		['snake_case_name and 2 * 3 * 4', 'snake_case_name and 2 * 3 * 4'],
		['[click](javascript:alert(1))', 'click'],
		['日本語の**回答** 🚀', '日本語の\u200b*回答* 🚀'],
		['- one\n  - nested\n- two', '• one\n    ◦ nested\n• two'],
		['3. c\n4. d', '3. c\n4. d'],
		['- - nested only\n- next', '•\n    ◦ nested only\n• next'],
		['line one\nline two', 'line one\nline two'],
	])('%j', (answer, expected) =>
		expect(render(answer, 'slack', [SOURCES[0]]).split('\n\n*Sources*')[0]).toBe(expected),
	);

	test('the sources as a short linked list, their titles escaped', () => {
		expect(render('Answer [1][2].', 'slack')).toBe(
			'Answer <https://wiki.example.com/roadmap/q4|[1]><https://docs.example.com/d?id=7&amp;lang=en|[2]>.\n\n*Sources*\n1. <https://wiki.example.com/roadmap/q4|Roadmap 2026 – Q4 update>\n2. <https://docs.example.com/d?id=7&amp;lang=en|Pricing ∣ FAQ &amp; &lt;draft&gt;>',
		);
	});
});

describe('HTML', () => {
	test.each([
		[
			'**bold** *it* ~~x~~ `c<d`',
			'<p><strong>bold</strong> <em>it</em> <del>x</del> <code>c&lt;d</code></p>',
		],
		['<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
		[
			'[x](javascript:alert(1)) [y](https://ok.example/"onmouseover=")',
			'<p>x <a href="https://ok.example/&quot;onmouseover=&quot;">y</a></p>',
		],
		['- a\n  1. b\n  2. c', '<ul><li>a<ol><li>b</li><li>c</li></ol></li></ul>'],
		['- only\n- a list', '<ul><li>only</li><li>a list</li></ul>'],
		[
			'```js\nif (a < b) { x = "y"; }\n```',
			'<pre><code>if (a &lt; b) { x = &quot;y&quot;; }</code></pre>',
		],
		['> **quoted**', '<blockquote><p><strong>quoted</strong></p></blockquote>'],
		[
			'Ünïcödé ✓ 😀 [1]',
			'<p>Ünïcödé ✓ 😀 <a href="https://wiki.example.com/roadmap/q4">[1]</a></p>',
		],
	])('%j', (answer, expected) =>
		expect(render(answer, 'html', [SOURCES[0]]).split('\n<p><strong>Sources')[0]).toBe(expected),
	);

	test('sources as a numbered list of links', () => {
		expect(render('A [2]', 'html').split('\n').slice(1).join('\n')).toBe(
			'<p><strong>Sources</strong></p>\n<ol><li><a href="https://wiki.example.com/roadmap/q4">Roadmap 2026 – Q4 update</a></li><li><a href="https://docs.example.com/d?id=7&amp;lang=en">Pricing | FAQ &amp; &lt;draft&gt;</a></li></ol>',
		);
	});

	// What the converter writes, and nothing else: every tag in the output must be one of these.
	const WRITTEN =
		/^<(\/?(p|h[1-6]|strong|em|del|code|pre|blockquote|ul|li|ol)|hr|br|ol start="\d+"|a href="[Hh][Tt][Tt][Pp][Ss]?:\/\/[^"<>\s]+"|\/a)>$/;
	const pieces = fc.constantFrom(
		'*',
		'**',
		'_',
		'__',
		'~~',
		'`',
		'```',
		'[',
		']',
		'(',
		')',
		'<',
		'>',
		'&',
		'"',
		"'",
		'#',
		'- ',
		'1. ',
		'> ',
		'\n',
		'\n\n',
		'    ',
		'|',
		'\\',
		'https://a.example/x',
		'javascript:alert(1)',
		'<script>',
		'</p>',
		'<a href="https://evil">',
		'onerror=',
		'&lt;',
		'[1]',
		'[9]',
		'text',
		' ',
		'é',
		'🚀',
		'HTTPS://B.EXAMPLE',
		'JaVaScRiPt:',
		'\u0000',
		'\u001b',
		'\u202e',
		'&amp;',
		'<https://c.example>',
		'\u200f',
		'\u2028',
	);
	const answers = fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join(''));
	const sourceLists = fc.array(
		fc.record({
			title: fc.option(answers, { nil: undefined }),
			url: fc.option(fc.oneof(answers, fc.constant('https://s.example/"><b>')), { nil: undefined }),
		}),
		{ maxLength: 3 },
	);

	test('no answer or source produces a tag or attribute the converter did not write', () => {
		fc.assert(
			fc.property(answers, sourceLists, (answer, sources) => {
				const html = renderAnswer(answer, sources, 'html');
				for (const tag of html.match(/<[^>]*>/g) ?? []) expect(tag).toMatch(WRITTEN);
				// Outside tags no markup character is left: text is escaped, and every & starts an entity.
				const text = html.replace(/<[^>]*>/g, '');
				expect(text).not.toMatch(/[<>"']/);
				expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
				// No href holds a control character or a bidi override.
				for (const href of html.match(/href="[^"]*"/g) ?? [])
					expect(href).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
			}),
			{ numRuns: 2000, seed: 18 },
		);
	});
});

describe('plain text', () => {
	test.each([
		['**bold** and [a link](https://l.example) [1]', 'bold and a link (https://l.example) [1]'],
		['## Title\n\n- a\n- b', 'Title\n\n• a\n• b'],
		['<b>kept as text</b> & co', '<b>kept as text</b> & co'],
	])('%j', (answer, expected) => expect(render(answer, 'plainText', []).trim()).toBe(expected));

	test('sources as [n] title – url', () => {
		expect(render('A [1]', 'plainText', [SOURCES[0]])).toBe(
			'A [1]\n\nSources\n[1] Roadmap 2026 – Q4 update – https://wiki.example.com/roadmap/q4',
		);
	});
});

describe('the closing offer', () => {
	test.each([
		[
			'The launch is on October 14.\n\nWould you like me to search other documents?',
			'The launch is on October 14.',
		],
		[
			'The launch is on October 14.\n\n---\n\n*Let me know if you need more details.*',
			'The launch is on October 14.',
		],
		[
			'The launch is on October 14.\nShall I draft an announcement?',
			'The launch is on October 14.',
		],
		['Answer.\n\nI can also compare it with Q3 if that helps.', 'Answer.'],
		["Answer.\n\nIf you'd like, I can list the owners.", 'Answer.'],
	])('dropped: %j', (answer, expected) => expect(withoutClosingOffer(answer)).toBe(expected));

	test.each([
		'Would you like to know more? The launch is on October 14.',
		'The launch is on October 14.\n\nIf you need access, write to the IT desk.',
		'Would you like me to search other documents?',
		'- Would you like fries?\n- Burgers',
		'The steps:\n\n1. Open the form.\n2. Would you like to add a note? Fill the box.',
		'Answer.\n\nLet me know if\n\n```\ncode\n```',
	])('kept: %j', (answer) => expect(withoutClosingOffer(answer)).toBe(answer));
});

describe('what the first review found', () => {
	test.each([
		['\\*not bold\\* and \\_not italic\\_', '∗not bold∗ and ＿not italic＿'],
		['foo**bar**baz', 'foo\u200b*bar*\u200bbaz'],
		['***both***', '*_both_*'],
		['# Results [a*b](https://x.example/a*b) `x*y`', '*Results <https://x.example/a*b|a*b> `x*y`*'],
		['set for\n2024. We ship.', 'set for\n2024. We ship.'],
		['- - nested only\n- next', '•\n    ◦ nested only\n• next'],
	])('Slack: %j', (answer, expected) => expect(render(answer, 'slack', [])).toBe(expected));

	test.each([
		['[a [b](https://y.example)](https://x.example)', '<p><a href="https://x.example">a b</a></p>'],
		[
			'[x](HTTPS://UP.example) [y](https://a.example/\u202egnp.exe)',
			'<p><a href="HTTPS://UP.example">x</a> y</p>',
		],
	])('HTML: %j', (answer, expected) => expect(render(answer, 'html', [])).toBe(expected));

	test.each([
		['Answer.\n\nIf you’d like, I can list the owners.', 'Answer.'],
		['Answer.\n\nI hope this helps! Let me know if you have any other questions.', 'Answer.'],
		['Answer.\n\nIf you have any other questions, feel free to ask.', 'Answer.'],
		['Answer.\n\nPlease let me know if you need anything else! 😊', 'Answer.'],
		['Answer.\n\nWould you like me to check Q3 as well?[2]', 'Answer.'],
		['Answer.\n\nShall I draft an announcement for the team?', 'Answer.'],
	])('offer dropped: %j', (answer, expected) => expect(withoutClosingOffer(answer)).toBe(expected));

	test.each([
		'Answer.\n\nIf you need access, ask your manager.',
		'Answer.\n\nIf you need a token, I recommend the self-service portal.',
		'Answer.\n\nFeel free to ask the security team on Slack.',
		'Answer.\n\nI can also confirm the fix shipped in 2.4.1.',
		'FAQ\n\n**Should I restart the server?** Yes, after applying the patch.',
		'FAQ\n\n- Should I restart the server? Yes, after the patch.',
		'Setup:\nDo you want SSO? Enable it under Settings > Security.',
		'Open questions:\n\n- Who owns QA?\n- Should I, as PM, sign off on the beta?',
		'Notes\n\n> Would you like the beta on Oct 1 or Oct 14?',
		'Answer.\n\nShould I restart the server?',
	])('content kept: %j', (answer) => expect(withoutClosingOffer(answer)).toBe(answer));

	test.each([
		['unmatched stars', 'a *'.repeat(70_000)],
		['unmatched strong', '**a '.repeat(50_000)],
		['unmatched brackets', '[a '.repeat(70_000)],
		['unmatched backticks', '`a '.repeat(70_000)],
		['nested quotes', '>'.repeat(5_000) + ' deep'],
		['nested links', '[x'.repeat(3_000) + '](https://x.example)'.repeat(3_000)],
	])('%s (about 200 KB, or deep) render in every format, the text kept', (_, answer) => {
		for (const format of ['slack', 'html'] as const)
			expect(renderAnswer(answer, [], format).length).toBeGreaterThan(0);
		const letters = (text: string) => text.replace(/[^a-z]/g, '').replace(/httpsxexample/g, '');
		expect(letters(renderAnswer(answer, [], 'plainText'))).toBe(letters(answer));
	});
});

describe('what the second review found', () => {
	test.each([
		"Answer.\n\nIf you need the PDF, I can't attach files, but it's at go/benefits.",
		'Answer.\n\nIf you have a Mac, I can confirm the M1 build is supported.',
		'Answer.\n\nIf you need admin rights, just ask your manager in #it-access.',
		"Answer.\n\nIf you want to opt out, I'll need your manager's approval first; send it to hr@x.com.",
		"Answer.\n\nI'd be happy to note that the team hit all Q3 goals.",
		"Answer.\n\nI'd be glad to clarify: the enrollment deadline is March 3.",
		'Answer.\n\nLet me know if the VPN still fails by filing a ticket at go/it.',
		"Answer.\n\nAnything else you'd like to add goes in the shared doc.",
		'Steps:\n\n1. Submit the form\n   Let me know if it fails.',
		'Ask IT to file a ticket and\nlet me know if it is not approved in 2 days.',
	])('content kept: %j', (answer) => expect(withoutClosingOffer(answer)).toBe(answer));

	test.each([
		['# Learning C#', 'Learning C#'],
		['## Title ##', 'Title'],
		['```npm run build``` builds it.\n\nThen deploy.', 'npm run build builds it.\n\nThen deploy.'],
		['> - quoted list', '  • quoted list'],
		['![diagram](https://d.example/a.png)', 'diagram (https://d.example/a.png)'],
		['[z](https://a\u2028b)', '[z](https://a\u2028b)'],
	])('plain text of %j', (answer, expected) =>
		expect(render(answer, 'plainText', [])).toBe(expected),
	);

	test.each([
		['See https://a.example/a_b_c and \\_x\\_', 'See https://a.example/a_b_c and ＿x＿'],
		['max_connections and 2 * 3', 'max_connections and 2 * 3'],
		['\\*see [1] here\\*', '∗see <https://wiki.example.com/roadmap/q4|[1]> here∗'],
	])('Slack: %j', (answer, expected) =>
		expect(render(answer, 'slack', [SOURCES[0]]).split('\n\n*Sources*')[0]).toBe(expected),
	);

	test.each([
		['a heading of spaces', `# a${' '.repeat(100_000)}b`],
		['a heading of tabs', `# a${'\t'.repeat(100_000)}b`],
		['trailing spaces', `a${' '.repeat(100_000)}b\n\nWould you like more?${' '.repeat(100_000)}`],
		['newlines', `a${'\n'.repeat(100_000)}b`],
	])('%s renders, with the offer check', (_, answer) => {
		expect(renderAnswer(answer, [], 'plainText')).toContain('a');
		expect(withoutClosingOffer(answer)).toContain('a');
	});
});

test('a dropped offer takes the sources only it cited with it; the rest are numbered again', async () => {
	const { finishedAnswer } = await import('../../nodes/GleanChat/actions/answerFormats');
	const fields = finishedAnswer(
		{
			answer: 'Atlas moves to October.\n\nWould you like me to check Q3 as well?',
			answerWithMarkers: 'Atlas moves to October[2].\n\nWould you like me to check Q3 as well?[1]',
			sources: SOURCES,
		},
		{ formats: ['plainText'], dropClosingOffer: true },
	);
	expect(fields).toEqual({
		answer: 'Atlas moves to October.',
		markdown: `Atlas moves to October[1].\n\n**Sources**\n1. [Pricing | FAQ & <draft>](${SOURCES[1].url})`,
		plainText: `Atlas moves to October[1].\n\nSources\n[1] Pricing | FAQ & <draft> – ${SOURCES[1].url}`,
	});
});

describe('what the third review found', () => {
	test.each([
		'Sam wrote in #release:\n\nWould you like me to take over the release?',
		'Question 12 of the survey:\nWould you like to work remotely more often?',
		'Here is a draft announcement:\n\nHi team,\n\nThe office moves on April 10.\n\nLet me know if you have any questions!',
		'Let me know if you plan to take more than 10 consecutive days so your manager can approve it.',
		'Answer.\n\nWould you like to attend the offsite (registration closes Friday)?',
		'Answer.\n\nIs there anything else in the contract that limits liability?',
	])('content kept: %j', (answer) => expect(withoutClosingOffer(answer)).toBe(answer));

	test('answer and markdown agree when the line above the offer ends with a marker', async () => {
		const { finishedAnswer } = await import('../../nodes/GleanChat/actions/answerFormats');
		const fields = finishedAnswer(
			{
				answer: 'You get 20 days a year.\nWould you like me to search other documents?',
				answerWithMarkers:
					'You get 20 days a year.[1]\nWould you like me to search other documents?',
				sources: SOURCES,
			},
			{ formats: ['slack'], dropClosingOffer: true },
		);
		expect(fields.answer).toBe('You get 20 days a year.');
		expect(String(fields.markdown)).not.toMatch(/Would you like/);
		expect(String(fields.slack)).not.toMatch(/Would you like/);
		// Sources without a marker (Glean's message-level citations) stay; [3] inside code is not a citation.
		const unmarked = finishedAnswer(
			{
				answer: 'x',
				answerWithMarkers: 'Use `arr[2]` here.\n\nWould you like me to check Q3 as well?[2]',
				sources: SOURCES,
			},
			{ formats: [], dropClosingOffer: true },
		);
		expect(unmarked.markdown).toBe(
			`Use \`arr[2]\` here.\n\n**Sources**\n1. [Roadmap 2026 – Q4 update](${SOURCES[0].url})`,
		);
	});

	test.each([
		['file_name_v2_final_.docx and ~/tmp_', 'file_name_v2_final_.docx and ~/tmp_'],
		['_jane@acme.com', '_jane@acme.com'],
		[
			'www.acme.com/~team/_x_ and HTTPS://a.example/_y_',
			'www.acme.com/~team/_x_ and HTTPS://a.example/_y_',
		],
		['https://x.example/a*b*c', 'https://x.example/a*b*c'],
	])('Slack leaves %j as written', (answer, expected) =>
		expect(render(answer, 'slack', [])).toBe(expected),
	);

	test('an image without alt text links its address', () => {
		expect(render('![](https://d.example/a.png)', 'html', [])).toBe(
			'<p><a href="https://d.example/a.png">https://d.example/a.png</a></p>',
		);
	});
});

describe('offers added after the last review', () => {
	test.each([
		['Answer.\n\nLet me know if this helps!', 'Answer.'],
		['Answer.\n\nLet me know how I can help further.', 'Answer.'],
		['Answer.\n\nNeed anything else? Just let me know!', 'Answer.'],
		["Answer.\n\nDon't hesitate to reach out if you have any other questions.", 'Answer.'],
		['Answer.\n\nWould you like me to search other documents? 🙏🏽', 'Answer.'],
		['Answer.\r\n\r\nWould you like me to search other documents?\r\n', 'Answer.'],
	])('dropped: %j', (answer, expected) => expect(withoutClosingOffer(answer)).toBe(expected));

	test.each([
		"Answer.\n\nDon't hesitate to reach out to HR for the form.",
		'Answer.\n\nLet me know what you decide by Friday.',
		'Answer.\r\n\r\nIf you need access, ask your manager.',
	])('kept: %j', (answer) => expect(withoutClosingOffer(answer)).toBe(answer));
});
