// The build's steps after tsc: the node's and the credential's icons copied next to their compiled
// files in dist/, then a marker telling the tests (test/harness/globalSetup.ts) when dist/ was built.
const fs = require('fs');
const path = require('path');
const { parallel, series, src, dest, task } = require('gulp');

const copyNodeIcons = () =>
	src(path.resolve('nodes', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'nodes')),
	);
const copyCredentialIcons = () =>
	src(path.resolve('credentials', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'credentials')),
	);

async function markBuilt() {
	await fs.promises.writeFile(
		path.resolve('dist', '.built-from-sources'),
		`${new Date().toISOString()}\n`,
	);
}

task('build:icons', parallel(copyNodeIcons, copyCredentialIcons));
task('build', series(parallel(copyNodeIcons, copyCredentialIcons), markBuilt));
