import './env';

import { LoadOptionsContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	IWorkflowExecuteAdditionalData,
	ResourceMapperFields,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	credentialId,
	GLEAN_NODE_NAME,
	loadPackage,
	NODE_TYPE,
	OAUTH2_CREDENTIAL_TYPE,
} from './n8nHarness';
import { TestCredentialsHelper } from './testCredentials';

/**
 * What the n8n editor asks of the node while a user sets it up, run as n8n runs it: the node's
 * `methods` called with n8n-core's own LoadOptionsContext, over a workflow holding the node with
 * the editor's current parameters and credential (as n8n's DynamicNodeParametersService does).
 */
export interface LookupOptions {
	/** The node's parameters as the editor has them now. */
	parameters: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
}

async function lookupContext({ parameters: set, credentials }: LookupOptions, path: string) {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const nodeType = nodeTypes.getByNameAndVersion(NODE_TYPE, 1) as INodeType;
	// The editor sends the node's parameters with their defaults filled in.
	const parameters =
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			set,
			true,
			false,
			null,
			nodeType.description,
		) ?? set;
	const credentialTypeName =
		parameters.authentication === 'oAuth2' ? OAUTH2_CREDENTIAL_TYPE : CREDENTIAL_TYPE;
	const node: INode = {
		id: 'glean-node',
		name: GLEAN_NODE_NAME,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { [credentialTypeName]: { id: credentialId(credentials), name: 'Glean' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: { timezone: 'UTC' },
	});
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentialTypes[credentialTypeName], credentials),
		currentNodeParameters: parameters,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { context: new LoadOptionsContext(workflow, node, additionalData, path), nodeType };
}

/** "From List" of a resource locator: the node's `listSearch[method]` with the search text. */
export async function listSearch(
	method: string,
	options: LookupOptions & { filter?: string },
): Promise<INodeListSearchResult> {
	const { context, nodeType } = await lookupContext(options, 'parameters.agentId');
	const search = nodeType.methods?.listSearch?.[method];
	if (!search) throw new Error(`The node has no listSearch method ${method}`);
	return await search.call(context, options.filter);
}

/** The fields of a resource mapper: the node's `resourceMapping[method]`. */
export async function resourceMapping(
	method: string,
	options: LookupOptions,
): Promise<ResourceMapperFields> {
	const { context, nodeType } = await lookupContext(options, 'parameters.input');
	const mapping = nodeType.methods?.resourceMapping?.[method];
	if (!mapping) throw new Error(`The node has no resourceMapping method ${method}`);
	return await mapping.call(context);
}
