import type { TeardownWorkspace } from "./workspace";

/**
 * The real workspace: Pulumi's Automation API (LocalWorkspace) over the project directory. It shells out to
 * the Pulumi CLI, so it is the one part of teardown that needs the CLI and the stacks' backend.
 */
export async function pulumiWorkspace(workDir: string): Promise<TeardownWorkspace> {
  // Loaded on demand (it is large), with require: the CLI bundle is CommonJS, and Node's ESM loader refuses
  // the package's directory import.
  const { LocalWorkspace } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const workspace = await LocalWorkspace.create({ workDir });
  const select = (stackName: string) => LocalWorkspace.selectStack({ stackName, workDir });
  return {
    listStacks: async () => (await workspace.listStacks()).map((s) => s.name),
    inspect: async (name) => {
      const stack = await select(name);
      const config = Object.fromEntries(Object.entries(await stack.getAllConfig()).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
      const outputs = Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
      const state = await stack.exportStack();
      const resources = (state.deployment?.resources ?? []) as Array<{ type?: string }>;
      return { config, outputs, resourceTypes: resources.map((r) => r.type ?? "unknown") };
    },
    destroy: async (name, onOutput) => {
      await (await select(name)).destroy({ onOutput });
    },
    removeStack: (name) => workspace.removeStack(name),
  };
}
