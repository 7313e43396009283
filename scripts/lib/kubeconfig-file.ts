import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KubeconfigFile {
  readonly path: string;
  /** Deletes the file and its directory; safe to call twice. */
  readonly remove: () => void;
}

/**
 * A stack's kubeconfig (a secret output) in a private temporary file, readable by its owner only, for
 * kubectl. If the process exits before remove() is called, the file is removed then.
 */
export function writeKubeconfig(content: string, prefix = "hostwise-"): KubeconfigFile {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeDir);
  const path = join(dir, "kubeconfig.json");
  writeFileSync(path, content, { mode: 0o600 });
  return {
    path,
    remove: () => {
      removeDir();
      process.off("exit", removeDir);
    },
  };
}
