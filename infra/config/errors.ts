/** One user error: which config key (or CLI flag), what is wrong, and how to fix it. */
export interface ConfigIssue {
  readonly key: string;
  readonly message: string;
  readonly hint: string;
}

/** Every config error of a stack at once, raised before any resource is registered. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = "ConfigError";
  }
}

/** A block a person reads: one issue per entry, key first, then the fix. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  const heading = issues.length === 1 ? "1 configuration error" : `${issues.length} configuration errors`;
  const lines = issues.map((i) => `  - ${i.key}: ${i.message}\n    fix: ${i.hint}`);
  return [`${heading}:`, ...lines].join("\n");
}
