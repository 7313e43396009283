import { RESPONDER_IMAGE } from "../catalog/entry-components";
import { MIRRORED_REGISTRIES, PULL_THROUGH_REGISTRIES } from "../catalog/registries";
import { CHART_FACTS, splitImage } from "../k8s/chart-facts";
import { qualified, setHint, type ConfigReader } from "./read";
import type { RegistrySpec } from "./spec";

/** An image already in a private ECR registry of this region (reachable through the VPC's ECR endpoints). */
export function isRegionalEcr(host: string, region: string | undefined): boolean {
  const m = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
  return m !== null && (region === undefined || m[1] === region);
}

/**
 * Every image the stack runs as it would be pulled from upstream: the add-on charts', the entry point's
 * responder and vLLM's. (The gateway's only runs with a fallback API, which needs NAT egress.)
 */
export function upstreamImages(vllmImage: string): Array<{ image: string; usedBy: string }> {
  return [
    ...Object.values(CHART_FACTS).flatMap((f) => f.images.map((i) => ({ image: i.upstream, usedBy: `the ${f.folder} chart` }))),
    { image: RESPONDER_IMAGE.image, usedBy: "the entry point's responder" },
    { image: vllmImage, usedBy: "vLLM (hostwise:vllmImage)" },
  ];
}

/**
 * With egress none nothing reaches a public registry, so every image must come through ECR: a pull-through
 * cache rule (some registries need a credential), a copy (nvcr.io, which ECR cannot cache), or an image that
 * is in this region's ECR already. Reports each missing piece once, on the key that supplies it.
 */
export function checkImagesWithoutEgress(r: ConfigReader, registries: RegistrySpec, vllmImage: string, region: string | undefined): void {
  const missing = new Map<string, { what: string[]; hint: string; message: (what: string) => string }>();
  const need = (key: string, what: string, message: (what: string) => string, hint: string) => {
    const entry = missing.get(key) ?? { what: [], hint, message };
    entry.what.push(what);
    missing.set(key, entry);
  };
  for (const { image, usedBy } of upstreamImages(vllmImage)) {
    const { host } = splitImage(image);
    if (isRegionalEcr(host, region)) continue;
    const cached = PULL_THROUGH_REGISTRIES[host];
    const mirrorKey = MIRRORED_REGISTRIES[host];
    if (cached?.credentialKey && !registries[cached.credentialKey]) {
      need(cached.credentialKey, `${image} (${usedBy})`,
        (what) => `egress none pulls ${what} through an ECR pull-through cache, and ECR caches ${host} only with credentials`,
        `store them in Secrets Manager under a name starting with ecr-pullthroughcache/ (README: egress none), then ${setHint(cached.credentialKey, "arn:aws:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/<name>")}`);
    } else if (mirrorKey && !registries[mirrorKey]) {
      need(mirrorKey, `${image} (${usedBy})`,
        (what) => `egress none cannot pull ${what}: ECR pull-through cache does not support ${host}`,
        `copy the images into ECR in this region (README: egress none), then ${setHint(mirrorKey, "<account>.dkr.ecr.<region>.amazonaws.com/nvcr")}`);
    } else if (!cached && !mirrorKey) {
      need("vllmImage", `${image} (${usedBy})`,
        (what) => `egress none cannot pull ${what}: ECR pull-through cache does not support ${host}`,
        `push the image to ECR in this region and ${setHint("vllmImage", "<account>.dkr.ecr.<region>.amazonaws.com/vllm-openai:v0.31.0")}, or use a Docker Hub tag (cached with ${qualified("dockerHubCredentialArn")})`);
    }
  }
  for (const [key, { what, hint, message }] of missing) r.fail(key, message(what.join(", ")), hint);
}
