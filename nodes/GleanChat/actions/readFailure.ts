import { ClientTimeoutError, SilenceError } from '../transport';

/** Why reading a streamed answer failed, in the words the item's error uses. */

/** What a stream that broke off means for the user. */
export const STREAM_BROKE =
	'The stream ended abnormally, so the answer may be cut short. Run the item again.';

/**
 * Why reading the answer's body failed, `after` what had arrived: the client's time limit, Glean's
 * silence, or the connection lost; and what to do.
 */
export function readFailure(
	error: unknown,
	after: string,
): { failure: string; description: string } {
	if (error instanceof ClientTimeoutError) {
		return {
			failure: `${error.message}, after ${after}`,
			description:
				'Glean did not finish in time, so the node stopped waiting. Raise "Timeout (Ms)" in the node\'s options or use a faster agent.',
		};
	}
	if (error instanceof SilenceError) {
		return {
			failure: `${error.message}, after ${after}`,
			description:
				'Glean stopped sending in the middle of the answer. Run the item again later; a faster agent may help.',
		};
	}
	const cause = error instanceof Error ? error.message : String(error);
	return {
		failure: `the connection to Glean was lost after ${after} (${cause.replace(/^Error: /, '')})`,
		description: STREAM_BROKE,
	};
}
