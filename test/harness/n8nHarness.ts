/**
 * Runs the built package inside n8n-core's real execution engine: the package is loaded the
 * way n8n loads community packages (PackageDirectoryLoader on the package folder), workflows
 * run through WorkflowExecute, and credentials are applied by the credential class's own
 * `authenticate`. Import `./env` before this module so n8n-core finds its user folder.
 */
import './env';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IConnections,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	IBinaryData,
	IBinaryKeyData,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	StructuredChunk,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';

import { packageRoot } from './paths';
import { TestCredentialsHelper } from './testCredentials';

export { withCredentialDefaults } from './testCredentials';

export const PACKAGE_DIR = packageRoot();
export const NODE_TYPE = 'n8n-nodes-glean-chat.gleanChat';
export const CREDENTIAL_TYPE = 'gleanChatApi';
export const OAUTH2_CREDENTIAL_TYPE = 'gleanChatOAuth2Api';
const INPUT_NODE_TYPE = 'test.items';
const AGENT_NODE_TYPE = 'test.agent';

/** An input item; `files` become binary data stored by n8n before the Glean Chat node runs. */
export interface TestItem extends INodeExecutionData {
	files?: Record<string, { base64: string; fileName: string; mimeType: string }>;
}

/** A test-only source node: emits the items given in its `items` parameter. */
class ItemsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Items',
		name: INPUT_NODE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Items' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | TestItem[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as TestItem[];
		const output: INodeExecutionData[] = [];
		for (const [index, { files, ...item }] of items.entries()) {
			const binary: IBinaryKeyData = { ...(item.binary ?? {}) };
			// Stored through n8n's binary data service, in whatever mode it runs (memory or filesystem).
			for (const [name, file] of Object.entries(files ?? {})) {
				binary[name] = await this.helpers.prepareBinaryData(
					Buffer.from(file.base64, 'base64'),
					file.fileName,
					file.mimeType,
				);
			}
			output.push({
				...item,
				...(Object.keys(binary).length > 0 ? { binary } : {}),
				pairedItem: { item: index },
			});
		}
		return [output];
	}
}

/**
 * A test-only AI Agent: asks the first tool connected to its ai_tool input, with the arguments
 * in its `args` parameter, the way an agent's model would, and outputs what the tool returned.
 */
class AgentStubNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agent',
		name: AGENT_NODE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Calls a connected tool',
		defaults: { name: 'Agent' },
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.AiTool],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Args', name: 'args', type: 'json', default: '{}' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const connected = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as
			ConnectedTool | ConnectedTool[];
		const tool = Array.isArray(connected) ? connected[0] : connected;
		const args = JSON.parse(this.getNodeParameter('args', 0) as string) as IDataObject;
		const result = await tool.invoke(args);
		return [
			[
				{
					json: {
						toolName: tool.name,
						toolDescription: tool.description,
						result: typeof result === 'string' ? result : JSON.stringify(result),
					},
				},
			],
		];
	}
}

interface ConnectedTool {
	name: string;
	description: string;
	invoke(args: IDataObject): Promise<unknown>;
}

/**
 * The AI-tool variant of a node that is `usableAsTool`, as n8n's loader makes it (the same
 * node, named `<name>Tool`, with an ai_tool output and no main input).
 */
function toolVariant(type: INodeType): INodeType {
	const tool = Object.create(type) as INodeType;
	tool.description = {
		...type.description,
		name: `${type.description.name}Tool`,
		displayName: `${type.description.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
	return tool;
}

export interface LoadedPackage {
	loader: PackageDirectoryLoader;
	nodeTypes: INodeTypes;
	/** The API token credential. */
	credentialType: ICredentialType;
	/** Every credential type of the package, by name. */
	credentialTypes: Record<string, ICredentialType>;
}

let loaded: Promise<LoadedPackage> | undefined;

/** Loads the built package from dist/ once per test file. */
export async function loadPackage(): Promise<LoadedPackage> {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_DIR);
		await loader.loadAll();
		const types: Record<string, INodeType | IVersionedNodeType> = {
			[INPUT_NODE_TYPE]: new ItemsNode(),
		};
		types[AGENT_NODE_TYPE] = new AgentStubNode();
		for (const [name, data] of Object.entries(loader.nodeTypes)) {
			types[`${loader.packageName}.${name}`] = data.type;
			if ((data.type as INodeType).description?.usableAsTool) {
				types[`${loader.packageName}.${name}Tool`] = toolVariant(data.type as INodeType);
			}
		}
		const nodeTypes: INodeTypes = {
			getByName: (type) => lookup(types, type),
			getByNameAndVersion: (type, version) =>
				NodeHelpers.getVersionedNodeType(lookup(types, type), version),
			getKnownTypes: () => ({}),
		};
		const credentialTypes: Record<string, ICredentialType> = {};
		for (const name of [CREDENTIAL_TYPE, OAUTH2_CREDENTIAL_TYPE]) {
			const type = loader.credentialTypes[name]?.type;
			if (!type) throw new Error(`The package did not load the ${name} credential`);
			credentialTypes[name] = type;
		}
		return { loader, nodeTypes, credentialType: credentialTypes[CREDENTIAL_TYPE], credentialTypes };
	})();
	return await loaded;
}

function lookup(
	types: Record<string, INodeType | IVersionedNodeType>,
	type: string,
): INodeType | IVersionedNodeType {
	const found = types[type];
	if (!found) throw new Error(`Unknown node type ${type}`);
	return found;
}

export interface RunOptions {
	/** The Glean Chat node's parameters. */
	parameters: INodeParameters;
	/** Input items (JSON, optionally with binary); one empty item by default. */
	items?: TestItem[];
	/** Further Glean Chat nodes run after the first, in order ("Glean Chat 2", "Glean Chat 3", …). */
	then?: INodeParameters[];
	/**
	 * The credential's data as stored: `gleanChatApi`'s, or `gleanChatOAuth2Api`'s when the
	 * parameters say `authentication: 'oAuth2'`. n8n's token refreshes are written back into it.
	 */
	credentials: ICredentialDataDecryptedObject;
	/**
	 * The stored credential's ID; by default one per credential data object. Another ID for the
	 * same object stands for another n8n process reading the same stored credential.
	 */
	credentialId?: string;
	continueOnFail?: boolean;
	/** Run as n8n does for a streaming Chat Trigger/Webhook: sendChunk hooks and streamingEnabled. */
	streaming?: boolean;
	timezone?: string;
	mode?: WorkflowExecuteMode;
	/** Aborts the execution (n8n's cancel signal) when this signal aborts. */
	cancel?: AbortSignal;
	/** Called with each streamed chunk as n8n emits it. */
	onChunk?: (chunk: StructuredChunk) => void;
	/** The workflow's static data; pass the same object to later runs to carry it across executions, as n8n does. */
	staticData?: IDataObject;
	/**
	 * Run Glean Chat as an AI Agent's tool instead: Items → Agent, Glean Chat Tool → Agent's
	 * ai_tool input; the agent calls the tool with these arguments. Its output is in
	 * `outputs.Agent`.
	 */
	asToolWith?: IDataObject;
}

export interface RunResult {
	run: IRun;
	/** The (first) Glean Chat node's output items. */
	items: INodeExecutionData[];
	/** Output items of every node, by node name. */
	outputs: Record<string, INodeExecutionData[]>;
	/** The node's error when the run failed. */
	error?: Error & { description?: string | null; context?: IDataObject; httpCode?: string | null };
	chunks: StructuredChunk[];
	/** How often the run read the credential. */
	credentialReads: number;
}

export const GLEAN_NODE_NAME = 'Glean Chat';

const credentialIds = new WeakMap<object, string>();
let credentialsSeen = 0;

/**
 * The ID n8n would give this stored credential: the same data object, the same credential (as
 * runs that share one sign-in), another object, another credential.
 */
export function credentialId(credentials: object): string {
	let id = credentialIds.get(credentials);
	if (id === undefined) credentialIds.set(credentials, (id = `cred-${++credentialsSeen}`));
	return id;
}

/** Runs Items → Glean Chat in WorkflowExecute and returns what the Glean Chat node produced. */
export async function runGleanNode(options: RunOptions): Promise<RunResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const credentialTypeName =
		options.parameters.authentication === 'oAuth2' ? OAUTH2_CREDENTIAL_TYPE : CREDENTIAL_TYPE;
	const nodes: INode[] = [
		{
			id: 'items-node',
			name: 'Items',
			type: INPUT_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{ json: {} }]) },
		},
		{
			id: 'glean-node',
			name: GLEAN_NODE_NAME,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: {
				[credentialTypeName]: {
					id: options.credentialId ?? credentialId(options.credentials),
					name: 'Glean',
				},
			},
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
	];
	const connections: IConnections = {
		Items: { main: [[{ node: GLEAN_NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	if (options.asToolWith) {
		nodes[1] = { ...nodes[1], type: `${NODE_TYPE}Tool` };
		nodes.push({
			id: 'agent-node',
			name: 'Agent',
			type: AGENT_NODE_TYPE,
			typeVersion: 1,
			position: [400, 200],
			parameters: { args: JSON.stringify(options.asToolWith) },
		});
		connections.Items = { main: [[{ node: 'Agent', type: NodeConnectionTypes.Main, index: 0 }]] };
		connections[GLEAN_NODE_NAME] = {
			[NodeConnectionTypes.AiTool]: [
				[{ node: 'Agent', type: NodeConnectionTypes.AiTool, index: 0 }],
			],
		};
	}
	let previous = GLEAN_NODE_NAME;
	(options.then ?? []).forEach((parameters, index) => {
		const name = `${GLEAN_NODE_NAME} ${index + 2}`;
		nodes.push({
			...nodes[1],
			id: `glean-node-${index + 2}`,
			name,
			parameters,
			position: [400 + 200 * index, 0],
		});
		connections[previous] = { main: [[{ node: name, type: NodeConnectionTypes.Main, index: 0 }]] };
		previous = name;
	});
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'Glean Chat test',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { timezone: options.timezone ?? 'UTC' },
		staticData: options.staticData,
	});

	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, 'exec-1', {
		id: 'wf-test',
		name: 'Glean Chat test',
		nodes,
		connections: {},
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		settings: {},
	} as unknown as ConstructorParameters<typeof ExecutionLifecycleHooks>[2]);
	const chunks: StructuredChunk[] = [];
	if (options.streaming) {
		hooks.addHandler('sendChunk', (chunk) => {
			chunks.push(chunk);
			options.onChunk?.(chunk);
		});
	}
	let finishedRun: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (run) => {
		finishedRun = run;
	});

	const credentialsHelper = new TestCredentialsHelper(
		credentialTypes[credentialTypeName],
		options.credentials,
	);
	const additionalData = {
		hooks,
		credentialsHelper,
		streamingEnabled: options.streaming === true,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formBaseUrl: '',
		formWaitingBaseUrl: '',
		formTestBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		mcpBaseUrl: '',
		mcpTestBaseUrl: '',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not used in these tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData: IRunExecutionData = {
		version: 1,
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);
	if (options.cancel) {
		const cancel = () => execution.cancel();
		if (options.cancel.aborted) cancel();
		else options.cancel.addEventListener('abort', cancel, { once: true });
	}
	const returned = await execution;
	const run = finishedRun ?? returned;
	const taskData = run.data.resultData.runData[GLEAN_NODE_NAME]?.[0];
	const outputs: Record<string, INodeExecutionData[]> = {};
	for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
		outputs[name] = tasks[0]?.data?.main?.[0] ?? [];
	}
	return {
		run,
		items: taskData?.data?.main?.[0] ?? [],
		outputs,
		error: (taskData?.error ?? run.data.resultData.error) as RunResult['error'],
		chunks,
		credentialReads: credentialsHelper.decryptions,
	};
}

/**
 * Makes n8n keep binary data on disk, as production instances do (N8N_DEFAULT_BINARY_DATA_MODE
 * = filesystem): items then carry only a reference, and nodes must fetch the bytes through n8n.
 */
export async function useFilesystemBinaryData(): Promise<void> {
	const config = Container.get(BinaryDataConfig);
	config.mode = 'filesystem';
	await Container.get(BinaryDataService).init();
}

/** The bytes of binary data a node output, read back through n8n's binary data service. */
export async function readBinaryData(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}
