/** What teardown needs from Pulumi, behind an interface so the selection and safety logic is tested without it. */
export interface TeardownWorkspace {
  listStacks(): Promise<string[]>;
  /** The stack's config (namespaced keys, plain values), its outputs, and the types of the resources in its state. */
  inspect(stack: string): Promise<{ config: Record<string, string>; outputs: Record<string, unknown>; resourceTypes: string[] }>;
  /** `pulumi destroy`, streaming its output. */
  destroy(stack: string, onOutput: (text: string) => void): Promise<void>;
  /** `pulumi stack rm`. */
  removeStack(stack: string): Promise<void>;
}
