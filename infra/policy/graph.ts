import type { StackResourceView } from "../resource-view";

/**
 * Everything a resource waits for, as `type::name` keys: its direct dependencies, what its parents wait for
 * (children inherit a component's dependsOn), and every child of a component it waits for. `pulumi up`
 * creates these first and `pulumi destroy` deletes them last.
 */
export function dependenciesOf(resources: readonly StackResourceView[], key: string): Set<string> {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const children = new Map<string, string[]>();
  for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.key]);
  const seen = new Set<string>();
  const visit = (k: string) => {
    for (const d of byKey.get(k)?.dependencies ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
      const addChildren = (p: string) => {
        for (const child of children.get(p) ?? []) {
          if (seen.has(child)) continue;
          seen.add(child);
          visit(child);
          addChildren(child);
        }
      };
      addChildren(d);
    }
  };
  for (let k: string | undefined = key; k; k = byKey.get(k)?.parent) visit(k);
  return seen;
}
