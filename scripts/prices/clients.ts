import type { PriceApis } from "./fetch";

/** Endpoint and credentials for the clients; unset = the SDK's defaults (AWS endpoints, default credential chain). */
export interface ClientConfig {
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The Price List endpoints: the Query API is served from these regions only. */
export const PRICE_LIST_REGIONS = ["us-east-1", "eu-central-1", "ap-south-1"] as const;

/**
 * AWS SDK v3 clients for a refresh. The SDK is loaded here, on demand (it is large), with require: the CLI
 * bundle is CommonJS. Savings Plans is a global service signed in us-east-1; EC2 is per region.
 */
export function sdkApis(priceListRegion: string, config: ClientConfig = {}): PriceApis {
  const pricing = require("@aws-sdk/client-pricing") as typeof import("@aws-sdk/client-pricing");
  const savingsPlans = require("@aws-sdk/client-savingsplans") as typeof import("@aws-sdk/client-savingsplans");
  const ec2 = require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
  const common = { ...(config.endpoint && { endpoint: config.endpoint }), ...(config.credentials && { credentials: config.credentials }), maxAttempts: 5 };
  const ec2Clients = new Map<string, InstanceType<typeof ec2.EC2Client>>();
  return {
    sdk: { pricing, savingsPlans, ec2 },
    pricing: new pricing.PricingClient({ region: priceListRegion, ...common }),
    savingsPlans: new savingsPlans.SavingsplansClient({ region: "us-east-1", ...common }),
    ec2(region) {
      let client = ec2Clients.get(region);
      if (!client) ec2Clients.set(region, (client = new ec2.EC2Client({ region, ...common })));
      return client;
    },
  };
}
