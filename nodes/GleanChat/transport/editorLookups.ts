import type {
	IExecuteFunctions,
	IGetNodeParameterOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

/**
 * The editor's lookups (the list of agents, an agent's input form) call Glean through the same
 * transport as a run, with its credential checks, sign-in refresh, pace, retries and redaction.
 * n8n gives a lookup an ILoadOptionsFunctions; the transport takes a run's IExecuteFunctions and
 * uses of it only getNode, getNodeParameter (Authentication), getCredentials, helpers
 * (httpRequestWithAuthentication, refreshOAuth2Token), logger and getExecutionCancelSignal. The
 * lookup's context answers those itself, with the editor's current parameters and credential
 * (item 0: a lookup has no items).
 */
export function lookupContext(context: ILoadOptionsFunctions): IExecuteFunctions {
	return Object.create(context, {
		getNodeParameter: {
			value: (
				name: string,
				_itemIndex: number,
				fallback?: unknown,
				options?: IGetNodeParameterOptions,
			) => context.getNodeParameter(name, fallback, options),
		},
		getCredentials: { value: async (type: string) => await context.getCredentials(type) },
		getExecutionCancelSignal: { value: () => undefined },
		isStreaming: { value: () => false },
		continueOnFail: { value: () => false },
	}) as IExecuteFunctions;
}
