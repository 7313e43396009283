/** What `hostwise smoke` needs from Pulumi for one stack, behind an interface so every failure path is tested. */
export interface SmokeWorkspace {
  /** The stack's config: namespaced keys, plain values (secrets masked). */
  config(): Promise<Record<string, string>>;
  /** `pulumi up`, streaming its output. */
  up(onOutput: (text: string) => void): Promise<void>;
  /** The stack outputs with secrets in plain text (the canary needs the API key and the kubeconfig). */
  outputs(): Promise<Record<string, unknown>>;
  /** `pulumi destroy`, streaming its output. */
  destroy(onOutput: (text: string) => void): Promise<void>;
}

/**
 * The real workspace: Pulumi's Automation API over the project directory (it shells out to the Pulumi CLI).
 * Throws when the stack does not exist: smoke runs a stack someone configured, it never creates one.
 */
export async function pulumiSmokeWorkspace(stackName: string, workDir: string): Promise<SmokeWorkspace> {
  // With require: the CLI bundle is CommonJS, and Node's ESM loader refuses the package's directory import.
  const { LocalWorkspace } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const stack = await LocalWorkspace.selectStack({ stackName, workDir });
  return {
    config: async () => Object.fromEntries(Object.entries(await stack.getAllConfig()).map(([k, v]) => [k, v.secret ? "[secret]" : v.value])),
    up: async (onOutput) => {
      await stack.up({ onOutput });
    },
    outputs: async () => Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value])),
    destroy: async (onOutput) => {
      await stack.destroy({ onOutput });
    },
  };
}
