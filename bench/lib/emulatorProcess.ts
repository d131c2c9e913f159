import { fork } from 'node:child_process';
import { join } from 'node:path';

import type { RateLimit } from '../../test/emulator/rateLimit';

export interface EmulatorProcess {
	baseUrl: string;
	token: string;
	lines: number;
	answerBytes: number;
	/** SHA-256 of the answer text, to check what a reader assembled. */
	answerSha256: string;
	streamBytes: number;
	/** [receivedAt, closedAt, status] of each request made acting as `actAs` (performance.now() of the emulator). */
	statusesOf(actAs: string): Promise<Array<[number, number, number]>>;
	stop(): void;
}

/** Starts bench/emulatorMain in a child process serving an answer of `megabytes` MB (0: its usual conversations). */
export async function startEmulatorProcess(
	megabytes: number,
	{
		deltaWords = 1,
		sameAnswerAs,
		responseDelayMs,
		rateLimit,
	}: {
		deltaWords?: number;
		sameAnswerAs?: number;
		responseDelayMs?: number;
		rateLimit?: RateLimit;
	} = {},
): Promise<EmulatorProcess> {
	const token = 'bench-token';
	const child = fork(
		join(__dirname, '..', 'emulatorMain.js'),
		[JSON.stringify({ megabytes, deltaWords, sameAnswerAs, responseDelayMs, rateLimit, token })],
		{
			stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
		},
	);
	type Ready = Omit<EmulatorProcess, 'stop' | 'token' | 'statusesOf'>;
	const ready = await new Promise<Ready>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (data: Buffer) => {
			output += data.toString();
			if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]) as Ready);
		});
		child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
	});
	const statusesOf = async (actAs: string) =>
		await new Promise<Array<[number, number, number]>>((resolve) => {
			child.once('message', (message: { statuses: Array<[number, number, number]> }) =>
				resolve(message.statuses),
			);
			child.send({ statusesOf: actAs });
		});
	return { ...ready, token, statusesOf, stop: () => child.kill() };
}
