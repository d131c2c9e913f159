import { fork } from 'node:child_process';
import { join } from 'node:path';

export interface EmulatorProcess {
	baseUrl: string;
	token: string;
	lines: number;
	answerBytes: number;
	/** SHA-256 of the answer text, to check what a reader assembled. */
	answerSha256: string;
	streamBytes: number;
	stop(): void;
}

/** Starts bench/emulatorMain in a child process serving an answer of `megabytes` MB (0: its usual conversations). */
export async function startEmulatorProcess(
	megabytes: number,
	{
		deltaWords = 1,
		sameAnswerAs,
		responseDelayMs,
	}: { deltaWords?: number; sameAnswerAs?: number; responseDelayMs?: number } = {},
): Promise<EmulatorProcess> {
	const token = 'bench-token';
	const child = fork(
		join(__dirname, '..', 'emulatorMain.js'),
		[JSON.stringify({ megabytes, deltaWords, sameAnswerAs, responseDelayMs, token })],
		{
			stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
		},
	);
	const ready = await new Promise<Omit<EmulatorProcess, 'stop' | 'token'>>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (data: Buffer) => {
			output += data.toString();
			if (output.includes('\n'))
				resolve(JSON.parse(output.split('\n')[0]) as Omit<EmulatorProcess, 'stop' | 'token'>);
		});
		child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
	});
	return { ...ready, token, stop: () => child.kill() };
}
