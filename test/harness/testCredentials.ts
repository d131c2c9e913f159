import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeParameters,
	INodeType,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	NodeParameterValueType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';

/** Credential values as stored, completed with the credential type's defaults like n8n does. */
export function withCredentialDefaults(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const result: ICredentialDataDecryptedObject = {};
	for (const property of credentialType.properties as INodeProperties[]) {
		if (property.default !== undefined) result[property.name] = property.default as string;
	}
	return { ...result, ...data };
}

/**
 * Applies credentials as n8n's own CredentialsHelper does: a function `authenticate` is called;
 * a generic one has its expressions resolved against `$credentials`. An OAuth2 credential
 * (one that extends `oAuth2Api`) goes n8n-core's own OAuth2 way: its expressions are resolved
 * with `$self` when read for a node, and a refreshed token is written back into `data`.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialType: ICredentialType,
		private readonly data: ICredentialDataDecryptedObject,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return name === this.credentialType.name ? (this.credentialType.extends ?? []) : [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		if (typeName !== this.credentialType.name)
			throw new Error(`Unexpected credential type ${typeName}`);
		const { authenticate } = this.credentialType;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate && typeof authenticate === 'object' && authenticate.type === 'generic') {
			if (!workflow || !node) throw new Error('Generic authentication needs the workflow and node');
			const options = requestOptions as IHttpRequestOptions &
				Record<string, IDataObject | undefined>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const resolve = (text: string) =>
						String(
							workflow.expression.getSimpleParameterValue(
								node,
								text,
								'internal',
								{ $credentials: credentials },
								undefined,
								'',
							) ?? '',
						);
					options[outerKey] = { ...(options[outerKey] ?? {}), [resolve(key)]: resolve(value) };
				}
			}
			return options;
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		_type: string,
	): Promise<ICredentials> {
		throw new Error('Not used by these tests');
	}

	/** How often a credential was read (in n8n, each read decrypts it). */
	decryptions = 0;

	/** How often n8n wrote a new OAuth2 token into the credential. */
	tokenUpdates = 0;

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode?: WorkflowExecuteMode,
		_executeData?: unknown,
		raw?: boolean,
		resolve?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		this.decryptions++;
		if (type !== this.credentialType.name) throw new Error(`No test credentials of type ${type}`);
		if (raw) return structuredClone(this.data);
		const data = withCredentialDefaults(this.credentialType, structuredClone(this.data));
		if (!resolve) return await resolvedWithoutRun(data, mode ?? 'internal');
		// As n8n's CredentialsHelper: expressions in the credential see the credential as $self.
		return resolve.workflow.expression.getParameterValue(
			data as unknown as NodeParameterValueType,
			resolve.runExecutionData,
			resolve.runIndex,
			resolve.itemIndex,
			resolve.node.name,
			resolve.connectionInputData,
			mode ?? 'manual',
			{},
			undefined,
			false,
			data,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		_type: string,
		credentials: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.tokenUpdates++;
		this.data.oauthTokenData = structuredClone(credentials.oauthTokenData);
	}

	getCredentialsProperties(): INodeProperties[] {
		return this.credentialType.properties;
	}
}

/**
 * A credential read without a run (the editor's lookups): n8n's CredentialsHelper still resolves
 * its expressions, `$self` being the credential, over a workflow of one mock node.
 */
async function resolvedWithoutRun(
	data: ICredentialDataDecryptedObject,
	mode: WorkflowExecuteMode,
): Promise<ICredentialDataDecryptedObject> {
	const mock: INode = {
		id: 'mock',
		name: '',
		typeVersion: 1,
		type: 'mock',
		position: [0, 0],
		parameters: {},
	};
	const mockType = { description: { properties: [] } } as unknown as INodeType;
	const workflow = new Workflow({
		nodes: [mock],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => mockType,
			getByNameAndVersion: () => mockType,
			getKnownTypes: () => ({}),
		},
	});
	return workflow.expression.getComplexParameterValue(
		mock,
		data as unknown as INodeParameters,
		mode,
		{},
		undefined,
		undefined,
		data,
	) as unknown as ICredentialDataDecryptedObject;
}
