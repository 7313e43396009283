import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { isPrivate, parseCidr } from "../config/cidr";

/** AWS's own "what is my IP" service: the address AWS sees this machine's requests come from. */
export const CHECKIP_URL = "https://checkip.amazonaws.com";

/** Offline evaluation (plan, tests) resolves nothing: it shows this documentation address (RFC 5737) instead. */
export const OFFLINE_DEPLOYER_ADDRESS = "192.0.2.1";
let offline = false;

/** Called by the offline evaluator before it runs the program: no network lookups. */
export function resolveDeployerAddressOffline(): void {
  offline = true;
}

/** The public IPv4 address of the machine running Pulumi, as AWS sees it. */
export async function lookupDeployerAddress(fetchImpl: typeof fetch = fetch): Promise<string> {
  const fail = (why: string) =>
    new pulumi.RunError(
      `hostwise:clusterPublicAccessFromDeployer: could not learn this machine's public address from ${CHECKIP_URL} (${why}).\n` +
        "  fix: list your egress range instead: pulumi config set --path 'hostwise:clusterPublicAccessCidrs[0]' <address>/32",
    );
  let text: string;
  try {
    const response = await fetchImpl(CHECKIP_URL, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw fail(`HTTP ${response.status}`);
    text = (await response.text()).trim();
  } catch (e) {
    if (e instanceof pulumi.RunError) throw e;
    throw fail((e as Error).message);
  }
  const cidr = parseCidr(`${text}/32`);
  if (!cidr) throw fail(`it answered "${text.slice(0, 40)}", not an IPv4 address`);
  if (isPrivate(cidr)) throw fail(`it answered the private address ${text}`);
  return text;
}

/**
 * The deployer's address as a /32, resolved when the stack is first deployed and kept in the state of a
 * resource whose input later runs ignore: a preview from a CI runner (another address) does not move it, and
 * nobody gets locked out by an update run elsewhere. To re-resolve after moving networks, replace the
 * `deployer-address` resource (`pulumi up --replace <its URN>`).
 */
export function deployerCidr(): pulumi.Output<string> {
  const address = offline ? Promise.resolve(OFFLINE_DEPLOYER_ADDRESS) : lookupDeployerAddress().catch((e: Error) => {
    // A preview of a deployed stack keeps the stored address anyway; `pulumi up` looks again and stops on failure.
    if (!pulumi.runtime.isDryRun()) throw e;
    pulumi.log.warn(`${e.message.split("\n")[0]}; the preview shows ${OFFLINE_DEPLOYER_ADDRESS} in its place`);
    return OFFLINE_DEPLOYER_ADDRESS;
  });
  const kept = new random.RandomId("deployer-address", {
    byteLength: 4,
    keepers: { address: pulumi.output(address) },
  }, { ignoreChanges: ["keepers"] });
  return kept.keepers.apply((k) => {
    if (!k?.address) throw new Error("the deployer-address resource holds no address");
    return `${k.address}/32`;
  });
}
