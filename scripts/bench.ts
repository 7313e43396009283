import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { MODELS } from "../infra/catalog/models";
import { ConfigError } from "../infra/config/errors";
import { validateConfig } from "../infra/config/validate";
import { planSizing, quantizationAlternatives } from "../infra/sizing/choose";
import { renderTable } from "./lib/table";

// Measures the speed targets of the foundation: one sizing call under 5 ms, `npm run plan` under 2 s wall.
// It reports; it asserts nothing (timings vary by machine).

const HELP = `npm run bench -- [--runs N] [--json]

Times planSizing for every catalog model at three traffic levels (none, 1 and 20 requests/s) and, apart,
the plan report's quantized alternatives of the same stack (FP8 and 4-bit sized for the same traffic), the wall
time of the offline plan (\`node scripts/run.js plan\`, what \`npm run plan\` runs) for the dev and prod stacks,
and \`hostwise cost --preview\` on a generated preview of --preview-resources resources: wall time and peak
memory (maximum resident set size) of the process.

  --runs N                 sizing calls per case (default 50) and plan processes per stack (default 5)
  --preview-resources N    resources in the generated preview (default 100000)
  --json                   print the measurements as JSON`;

const ROOT = join(__dirname, "..");
const TRAFFIC = [
  { label: "none", peakRequestsPerSecond: undefined },
  { label: "1 req/s", peakRequestsPerSecond: 1 },
  { label: "20 req/s", peakRequestsPerSecond: 20 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function benchSizing(runs: number) {
  const rows = [];
  for (const model of MODELS) {
    for (const traffic of TRAFFIC) {
      const raw = {
        "aws:region": "us-east-1",
        owner: "bench",
        costCenter: "bench",
        huggingFaceToken: "[secret]", // gated Llama checkpoints
        clusterPublicAccessCidrs: ["203.0.113.0/24"], // a deployer route (example range): config validation requires one
        model: model.id,
        maxModelLen: Math.min(model.maxContext, 8192),
        ...(traffic.peakRequestsPerSecond ? { peakRequestsPerSecond: traffic.peakRequestsPerSecond } : {}),
      };
      const spec = validateConfig(raw, { stack: "bench", now: new Date() });
      const times: number[] = [];
      let outcome = "";
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        try {
          const plan = planSizing(spec);
          outcome = `${plan.nodes.peak} × ${plan.instanceType} TP ${plan.tensorParallelSize}`;
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          outcome = "no feasible plan";
        }
        times.push(performance.now() - t0);
      }
      // The plan's report adds the same model in FP8 and 4-bit (quantizationAlternatives): timed apart.
      const quantized: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        quantizationAlternatives(spec);
        quantized.push(performance.now() - t0);
      }
      rows.push({ model: model.id, traffic: traffic.label, medianMs: median(times), maxMs: Math.max(...times), quantizedMedianMs: median(quantized), outcome });
    }
  }
  return rows;
}

function benchPlanWall(runs: number) {
  return ["dev", "prod"].map((stack) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = spawnSync("node", ["scripts/run.js", "plan", "--stack", stack], { cwd: ROOT, encoding: "utf8" });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`plan --stack ${stack} failed: ${r.stderr}`);
    }
    return { stack, medianMs: median(times), maxMs: Math.max(...times) };
  });
}

/** A `pulumi preview --json` of n resources: node groups, NAT gateways, buckets and roles, created, updated or unchanged. */
function generatedPreview(n: number): string {
  const ops = ["create", "update", "same"] as const;
  const steps = Array.from({ length: n }, (_, i) => {
    const op = ops[i % 3]!;
    const kind = i % 4;
    const type = ["aws:eks/nodeGroup:NodeGroup", "aws:ec2/natGateway:NatGateway", "aws:s3/bucket:Bucket", "aws:iam/role:Role"][kind]!;
    const inputs = kind === 0
      ? { instanceTypes: [i % 2 ? "g6e.xlarge" : "g5.xlarge"], scalingConfig: { minSize: 1, desiredSize: 1 + (i % 3), maxSize: 4 }, tags: { stack: "bench", owner: "bench" } }
      : { tags: { stack: "bench", owner: "bench", name: `resource-${i}` } };
    const state = { type, custom: true, inputs };
    return {
      op,
      urn: `urn:pulumi:bench::hostwise::${type}::bench-resource-${i.toString().padStart(6, "0")}`,
      ...(op !== "create" && { oldState: state }),
      newState: op === "update" && kind === 0 ? { ...state, inputs: { ...inputs, scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 } } } : state,
    };
  });
  return JSON.stringify({ config: { "aws:region": "us-east-1" }, steps, changeSummary: {} });
}

function benchCostPreview(resources: number) {
  const dir = mkdtempSync(join(tmpdir(), "hostwise-bench-"));
  try {
    const preview = join(dir, "preview.json");
    writeFileSync(preview, generatedPreview(resources));
    // Reports the child's peak memory as it exits (Node's own resource usage, in KiB).
    const probe = join(dir, "maxrss.js");
    writeFileSync(probe, 'process.on("exit", () => process.stderr.write(`maxrss ${process.resourceUsage().maxRSS}\\n`));\n');
    const t0 = performance.now();
    const r = spawnSync("node", ["--require", probe, "scripts/run.js", "cost", "--preview", preview, "--out", join(dir, "comment.md")], { cwd: ROOT, encoding: "utf8" });
    const wallMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`cost --preview failed: ${r.stderr}`);
    const maxRssKiB = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
    const comment = readFileSync(join(dir, "comment.md"), "utf8");
    return { resources, fileMiB: statSync(preview).size / 2 ** 20, wallMs, maxRssMiB: maxRssKiB / 1024, commentChars: [...comment].length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mainBench() {
  const { values } = parseArgs({
    options: { runs: { type: "string" }, "preview-resources": { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) return console.log(HELP);
  const runs = values.runs ? Number(values.runs) : undefined;
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) {
    console.error(`bench: --runs must be a positive whole number, got ${values.runs}`);
    process.exitCode = 2;
    return;
  }
  const previewResources = values["preview-resources"] ? Number(values["preview-resources"]) : 100_000;
  if (!(Number.isInteger(previewResources) && previewResources > 0 && previewResources <= 1_000_000)) {
    console.error(`bench: --preview-resources must be a whole number from 1 to 1,000,000, got ${values["preview-resources"]}`);
    process.exitCode = 2;
    return;
  }
  const sizing = benchSizing(runs ?? 50);
  const plan = benchPlanWall(runs ?? 5);
  const costPreview = benchCostPreview(previewResources);
  if (values.json) return console.log(JSON.stringify({ sizing, plan, costPreview }, null, 2));
  console.log("Sizing (planSizing, one call)");
  console.log(
    renderTable(
      ["model", "traffic", "median ms", "max ms", "quantized alternatives median ms", "plan"],
      sizing.map((r) => [r.model, r.traffic, r.medianMs.toFixed(2), r.maxMs.toFixed(2), r.quantizedMedianMs.toFixed(2), r.outcome]),
      [2, 3, 4],
    ),
  );
  const worst = Math.max(...sizing.map((r) => r.medianMs));
  const worstQuantized = Math.max(...sizing.map((r) => r.quantizedMedianMs));
  console.log(`\nslowest median: ${worst.toFixed(2)} ms (target: under 5 ms); the plan's quantized alternatives add at most ${worstQuantized.toFixed(2)} ms\n`);
  console.log("Offline plan, wall time of one process (node scripts/run.js plan)");
  console.log(renderTable(["stack", "median ms", "max ms"], plan.map((p) => [p.stack, p.medianMs.toFixed(0), p.maxMs.toFixed(0)]), [1, 2]));
  console.log("(targets: under 2,000 ms for dev, under 3,000 ms for prod; `npm run plan` adds npm's own start-up)");
  const c = costPreview;
  console.log(`\ncost --preview on a generated preview: ${c.resources.toLocaleString("en-US")} resources, ${c.fileMiB.toFixed(1)} MiB`);
  console.log(`  wall ${(c.wallMs / 1000).toFixed(1)} s, peak memory ${c.maxRssMiB.toFixed(0)} MiB, comment ${c.commentChars.toLocaleString("en-US")} characters (GitHub's limit: 65,536)`);
}

mainBench();
