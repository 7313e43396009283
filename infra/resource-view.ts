/** Resource options a rule may need to see (a subset of Pulumi's): how long Pulumi waits, what it ignores or keeps. */
export interface ResourceOptionsView {
  readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
  readonly ignoreChanges?: readonly string[];
  readonly retainOnDelete?: boolean;
  readonly deleteBeforeReplace?: boolean;
  readonly protect?: boolean;
}

/** A resource as policies and the price book see it: its Pulumi type token, logical name and input properties. */
export interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>;
  /** Present where the caller knows them (the evaluated program, the policy pack). */
  readonly opts?: ResourceOptionsView;
}

/**
 * A resource as stack-level rules see it: also its key (`type::name`) and the keys of every resource it
 * waits for directly (explicit dependsOn, the resources whose outputs feed its inputs, its parent component).
 */
export interface StackResourceView extends ResourceView {
  readonly key: string;
  readonly dependencies: readonly string[];
  readonly parent?: string;
}
