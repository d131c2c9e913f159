// The build (`npm run build`, `gulp build`): the TypeScript compiled into dist/, the node's and the
// credential's icons copied beside it, and a marker telling the tests (test/harness/globalSetup.ts)
// when the build started and from which sources, so they rebuild a dist/ that is out of date.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { parallel, series, src, dest, task } = require('gulp');

/** The files a build reads: what the tests compare the marker against. */
const INPUTS = ['nodes', 'credentials', 'tsconfig.json', 'gulpfile.js'];

/** The input files, sorted; dotfiles (editor locks and swap files) are not inputs. */
function inputFiles(entry = '.') {
	if (entry !== '.' && !fs.statSync(entry).isDirectory()) return [entry];
	const children =
		entry === '.'
			? INPUTS
			: fs
					.readdirSync(entry)
					.filter((name) => !name.startsWith('.'))
					.map((name) => path.join(entry, name));
	return children.flatMap((child) => inputFiles(child)).sort();
}

/** When the build started, and the inputs it found then. */
const started = { at: 0, inputs: [] };

function noteStart(done) {
	started.at = Date.now();
	started.inputs = inputFiles();
	done();
}

function compile(done) {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		stdio: 'inherit',
	});
	done();
}

const copyNodeIcons = () =>
	src(path.resolve('nodes', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'nodes')),
	);
const copyCredentialIcons = () =>
	src(path.resolve('credentials', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'credentials')),
	);

async function markBuilt() {
	const marker = { startedAt: started.at, inputs: started.inputs };
	await fs.promises.writeFile(
		path.resolve('dist', '.built-from-sources'),
		`${JSON.stringify(marker)}\n`,
	);
}

task('build:icons', parallel(copyNodeIcons, copyCredentialIcons));
task('build', series(noteStart, compile, parallel(copyNodeIcons, copyCredentialIcons), markBuilt));
