import { compact, stringOrUndefined } from './citations';
import type { GleanChatMessage, GleanFragment } from './gleanTypes';
import { TextAccumulator } from './textAccumulator';

/**
 * Glean's progress (`UPDATE` messages) condensed into steps: what it planned, searched, read and
 * wrote. Pure; knows nothing of n8n.
 */

export interface ChatStep {
	/**
	 * `plan`, `search`, `read`, `write`: Glean's `UPDATE` steps, named by their `**Searching:**`,
	 * `**Reading:**`, `**Writing:**` prefix (none: `plan`). `message`: text Glean wrote as
	 * `CONTENT` before it ran its tools (a plan or an acknowledgement), which is not the answer.
	 */
	type: 'plan' | 'search' | 'read' | 'write' | 'message';
	text: string;
	stepId?: string;
	queries?: string[];
	documents?: Array<{ title?: string; url?: string; datasource?: string }>;
	complete?: boolean;
}

interface CollectedStep extends ChatStep {
	textParts: TextAccumulator;
	/** Order of first appearance among all messages of the answer. */
	order: number;
}

/**
 * How a step's kind is told, in one place: Glean's `UPDATE` text starts with a bold label, or a
 * fragment carries search queries or documents read; anything else is a plan step.
 */
const STEP_KINDS = {
	labels: [
		[/^\s*\*\*Searching:\*\*\s*/, 'search'],
		[/^\s*\*\*Reading:\*\*\s*/, 'read'],
		[/^\s*\*\*Writing:\*\*\s*/, 'write'],
	] as Array<[RegExp, ChatStep['type']]>,
	/** A fragment with a `querySuggestion`. */
	query: 'search' as ChatStep['type'],
	/** A fragment with `structuredResults` (documents). */
	documents: 'read' as ChatStep['type'],
	otherwise: 'plan' as ChatStep['type'],
};

export class StepCollector {
	private readonly steps = new Map<string, CollectedStep>();

	private readonly completedStepIds = new Set<string>();

	get size(): number {
		return this.steps.size;
	}

	/**
	 * Adds one `UPDATE` message (or one streamed line of it) under `key`. Returns whether it began
	 * a new step with content (text, a query, documents): a tool step, which ends what was written
	 * before it. A line that continues a known step, or only marks one complete, returns false, so
	 * a finished answer before it stays the answer. A completion line for a known step marks it
	 * complete and adds nothing (it may repeat the step's text).
	 */
	add(key: string, message: GleanChatMessage, fragments: GleanFragment[], order: number): boolean {
		const stepId = typeof message.stepId === 'string' ? message.stepId : undefined;
		const completes = message.isStepComplete === true;
		if (completes && stepId !== undefined) this.completedStepIds.add(stepId);
		const known = this.steps.get(key);
		if (fragments.length === 0 || (completes && known !== undefined)) {
			if (known && completes) known.complete = true;
			return false;
		}
		const step = known ?? this.newStep(key, stepId, order);
		let content = false;
		for (const fragment of fragments) {
			if (fragment && typeof fragment === 'object')
				content = addFragment(step, fragment) || content;
		}
		if (completes) step.complete = true;
		// A new step already marked complete (a whole answer's steps are) is a tool step all the same.
		return known === undefined && content;
	}

	/** The steps with the order each first appeared in, steps marked complete by a later line included. */
	toSteps(): Array<{ step: ChatStep; order: number }> {
		return [...this.steps.values()].map(({ textParts, order, ...step }) => {
			const complete =
				step.complete === true ||
				(step.stepId !== undefined && this.completedStepIds.has(step.stepId));
			return {
				step: {
					...step,
					text: textParts.toString().trim(),
					...(complete ? { complete: true } : {}),
				},
				order,
			};
		});
	}

	private newStep(key: string, stepId: string | undefined, order: number): CollectedStep {
		const step: CollectedStep = {
			type: STEP_KINDS.otherwise,
			text: '',
			textParts: new TextAccumulator(),
			order,
		};
		if (stepId !== undefined) step.stepId = stepId;
		this.steps.set(key, step);
		return step;
	}
}

/** Adds one fragment's text, query or documents to `step`; returns whether it carried any. */
function addFragment(step: CollectedStep, fragment: GleanFragment): boolean {
	let content = false;
	if (typeof fragment.text === 'string' && fragment.text !== '') {
		let text = fragment.text;
		const label =
			step.textParts.length === 0
				? STEP_KINDS.labels.find(([prefix]) => prefix.test(text))
				: undefined;
		if (label) {
			step.type = label[1];
			text = text.replace(label[0], '');
		}
		if (text !== '') step.textParts.push(text);
		content = fragment.text.trim() !== '';
	}
	const query = fragment.querySuggestion?.query;
	if (typeof query === 'string' && query !== '') {
		if (step.type === STEP_KINDS.otherwise) step.type = STEP_KINDS.query;
		(step.queries ??= []).push(query);
		content = true;
	}
	for (const result of Array.isArray(fragment.structuredResults)
		? fragment.structuredResults
		: []) {
		const document = result?.document;
		if (!document || typeof document !== 'object') continue;
		if (step.type === STEP_KINDS.otherwise) step.type = STEP_KINDS.documents;
		(step.documents ??= []).push(
			compact({
				title: stringOrUndefined(document.title),
				url: stringOrUndefined(document.url),
				datasource: stringOrUndefined(document.datasource ?? document.metadata?.datasource),
			}),
		);
		content = true;
	}
	return content;
}
