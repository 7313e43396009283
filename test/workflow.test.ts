import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}

const raw = readFileSync(join(__dirname, "..", ".github", "workflows", "preview.yml"), "utf8");
const workflow = parse(raw);
const jobs = Object.values(workflow.jobs ?? {}) as Array<Record<string, any>>;
const job = jobs[0]!;
const steps = job.steps as Step[];

/** Index of the one step that matches; fails when none or several do. */
function stepIndex(what: string, match: (s: Step) => boolean): number {
  const found = steps.flatMap((s, i) => (match(s) ? [i] : []));
  expect(found, `exactly one step: ${what}`).toHaveLength(1);
  return found[0]!;
}
const uses = (action: string) => (s: Step) => s.uses?.split("@")[0] === action;
const runs = (pattern: RegExp) => (s: Step) => typeof s.run === "string" && pattern.test(s.run);

describe(".github/workflows/preview.yml", () => {
  it("runs on pull requests, one job per stack (dev, prod)", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(jobs).toHaveLength(1);
    expect(job.strategy.matrix.stack).toEqual(["dev", "prod"]);
  });

  it("asks for OIDC and pull-request permissions", () => {
    expect(job.permissions["id-token"]).toBe("write");
    expect(job.permissions["pull-requests"]).toBe("write");
    expect(job.permissions.contents).toBe("read");
    expect(workflow.permissions).toEqual({});
  });

  it("runs the steps in order: setup-node, npm ci, AWS credentials, the API route check, pulumi/actions, preview --json, hostwise cost, sticky comment", () => {
    const order = [
      stepIndex("checkout", uses("actions/checkout")),
      stepIndex("setup-node", uses("actions/setup-node")),
      stepIndex("npm ci", runs(/^npm ci\b/)),
      stepIndex("AWS credentials", uses("aws-actions/configure-aws-credentials")),
      stepIndex("route to the cluster API", runs(/aws eks describe-cluster --name "\$cluster"/)),
      stepIndex("pulumi/actions", uses("pulumi/actions")),
      stepIndex("preview --json", runs(/pulumi preview --json --stack \$\{\{ matrix\.stack \}\} > preview\.json/)),
      stepIndex("hostwise cost", runs(/npm run hostwise -- cost --preview preview\.json --out cost-comment\.md/)),
      stepIndex("sticky comment", uses("marocchino/sticky-pull-request-comment")),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
  });

  it("configures each action as the pipeline needs", () => {
    expect(steps.find(uses("actions/setup-node"))?.with).toMatchObject({ "node-version": 20, cache: "npm" });
    expect(String(steps.find(uses("aws-actions/configure-aws-credentials"))?.with?.["role-to-assume"])).toMatch(/^\$\{\{ vars\.\w+ \}\}$/);
    expect(steps.find(uses("pulumi/actions"))?.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      "comment-on-pr": true,
      "edit-pr-comment": true,
      "github-token": "${{ secrets.GITHUB_TOKEN }}",
    });
    expect(steps.find(uses("marocchino/sticky-pull-request-comment"))?.with).toEqual({ header: "hostwise-cost-${{ matrix.stack }}", path: "cost-comment.md" });
    expect(job.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
  });

  it("runs on a runner the repository chooses (one inside the cluster's network), GitHub-hosted by default", () => {
    expect(job["runs-on"]).toBe(`\${{ fromJSON(vars.PREVIEW_RUNS_ON || '"ubuntu-latest"') }}`);
    const check = steps.find(runs(/aws eks describe-cluster/))!.run!;
    expect(check).toMatch(/cluster="hostwise-\$\{\{ matrix\.stack \}\}"/); // infra/aws/cluster-names.ts: project-stack
    expect(check).toMatch(/--max-time 20 "\$endpoint\/readyz"/);
    expect(check).toMatch(/exit 1/); // no route: the job stops with the reason instead of a preview timeout
    const header = readFileSync(join(__dirname, "..", ".github", "workflows", "preview.yml"), "utf8").split("\nname:")[0]!;
    for (const key of ["PREVIEW_RUNS_ON", "hostwise:clusterPrivateAccessCidrs", "hostwise:clusterPublicAccessCidrs", "hostwise:clusterAdminArns"]) expect(header).toContain(key);
  });

  it("gates on the thresholds its comment describes, from repository variables with the README's defaults", () => {
    const cost = steps[stepIndex("hostwise cost", runs(/npm run hostwise -- cost /))]!;
    expect(cost.run).toContain('gates=(--fail-increase "$HOSTWISE_FAIL_INCREASE_PERCENT")');
    expect(cost.run).toContain('if [ -n "$HOSTWISE_FAIL_ABOVE_USD" ]; then gates+=(--fail-above "$HOSTWISE_FAIL_ABOVE_USD"); fi');
    expect(cost.run).toMatch(/--out cost-comment\.md "\$\{gates\[@\]\}"$/m);
    expect(cost.run).not.toContain("${{"); // values reach the script through the environment only
    expect(job.env.HOSTWISE_FAIL_INCREASE_PERCENT).toBe("${{ vars.HOSTWISE_FAIL_INCREASE_PERCENT || '25' }}");
    expect(job.env.HOSTWISE_FAIL_ABOVE_USD).toBe("${{ vars.HOSTWISE_FAIL_ABOVE_USD }}");
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    expect(readme).toMatch(/`HOSTWISE_FAIL_INCREASE_PERCENT` \(default\s+25\)/);
    expect(readme).toMatch(/`HOSTWISE_FAIL_ABOVE_USD` \(default:\s+no cap\)/);
    // What the workflow's own comment promises: a threshold that fails the step still gets its comment posted.
    expect(raw).toMatch(/Posted\s+#?\s*also when a --fail-above \/ --fail-increase threshold fails the step above/);
  });

  it("pins every action to a version tag", () => {
    const actions = steps.filter((s) => s.uses !== undefined).map((s) => s.uses!);
    expect(actions.length).toBeGreaterThanOrEqual(5);
    for (const a of actions) expect(a).toMatch(/^[\w.-]+\/[\w.-]+@v\d+(\.\d+){0,2}$/);
  });
});
