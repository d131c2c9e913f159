import type { IExecuteFunctions } from 'n8n-workflow';

import type { Secrets } from '../transport';
import { StreamRedactor } from '../transport';

/**
 * Answer text on its way to n8n's chat: redacted as it comes (a piece that may begin the token
 * waits for the next one), then sent in order as `item` chunks by `forward`.
 */
export class LiveAnswer {
	private readonly pending: string[] = [];

	private redactor: StreamRedactor;

	constructor(private readonly token: Secrets) {
		this.redactor = new StreamRedactor(token);
	}

	push(text: string): void {
		const safe = this.redactor.push(text);
		if (safe !== '') this.pending.push(safe);
	}

	/** Drops what is queued or held back (an answer read whole is sent as one piece instead). */
	reset(): void {
		this.pending.length = 0;
		this.redactor = new StreamRedactor(this.token);
	}

	/** The answer ended: what the redactor held back is queued too. */
	end(): void {
		const rest = this.redactor.flush();
		if (rest !== '') this.pending.push(rest);
	}

	async forward(context: IExecuteFunctions, itemIndex: number): Promise<void> {
		for (const delta of this.pending) await context.sendChunk('item', itemIndex, delta);
		this.pending.length = 0;
	}

	/**
	 * Ends the live answer with the reason it failed. Only with Continue On Fail: otherwise the
	 * item's error fails the node, and n8n-core sends the chat its own `error` chunk (the router
	 * puts the reason first in it), which would make two.
	 */
	async fail(context: IExecuteFunctions, itemIndex: number, reason: string): Promise<void> {
		if (context.continueOnFail()) await context.sendChunk('error', itemIndex, reason);
	}
}
