import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

// A local stand-in for the three AWS price APIs, replaying recorded responses in the shapes the API references
// document, so that `hostwise prices refresh` runs the real SDK clients (signing, protocols, paging) against it:
//   - Price List Query API, AWS JSON 1.1: POST / with X-Amz-Target AWSPriceListService.GetProducts; PriceList
//     holds one JSON string per product (the recording keeps them as objects for reading; sent as strings)
//   - Savings Plans, REST JSON: POST /DescribeSavingsPlansOfferingRates; searchResults + nextToken
//   - EC2 Query API: POST / form-encoded Action=DescribeSpotPriceHistory; XML spotPriceHistorySet + nextToken
// Requests it has no recording for get an empty result, as AWS answers for a type a region does not offer.

const FIXTURES = join(__dirname, "..", "fixtures", "aws-price-apis");

interface Recorded {
  readonly match: Record<string, string>;
  readonly pages: ReadonlyArray<{ FormatVersion: string; PriceList: unknown[]; NextToken?: string }>;
}

export interface SeenRequest {
  readonly api: "pricing" | "savingsplans" | "ec2";
  /** The region the request was signed for (the SigV4 credential scope). */
  readonly signedRegion: string;
  readonly body: Record<string, unknown>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** page-N tokens → index N − 1; no token → the first page. */
function pageIndex(pages: readonly { NextToken?: string }[], token: string | undefined): number {
  if (!token) return 0;
  const i = pages.findIndex((p) => p.NextToken === token);
  return i < 0 ? pages.length : i + 1;
}

export async function startPriceApis(options: { failWith?: { status: number; type: string; message: string } } = {}) {
  const products: Recorded[] = JSON.parse(readFileSync(join(FIXTURES, "get-products.json"), "utf8"));
  const plans: Record<string, Array<{ searchResults: unknown[]; nextToken?: string }>> = JSON.parse(readFileSync(join(FIXTURES, "savings-plans-offering-rates.json"), "utf8"));
  const seen: SeenRequest[] = [];

  const server = createServer(async (req, res) => {
    const text = await bodyOf(req);
    const signedRegion = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const json = (status: number, body: unknown, contentType = "application/x-amz-json-1.1") => {
      res.writeHead(status, { "content-type": contentType });
      res.end(JSON.stringify(body));
    };
    if (!req.headers.authorization?.startsWith("AWS4-HMAC-SHA256 ")) return json(403, { __type: "MissingAuthenticationTokenException", message: "unsigned request" });

    const target = req.headers["x-amz-target"];
    if (target !== undefined) {
      const body = JSON.parse(text);
      seen.push({ api: "pricing", signedRegion, body });
      if (target !== "AWSPriceListService.GetProducts") return json(400, { __type: "UnknownOperationException", message: String(target) });
      if (options.failWith) return json(options.failWith.status, { __type: options.failWith.type, message: options.failWith.message });
      const filters: Record<string, string> = Object.fromEntries((body.Filters ?? []).map((f: { Field: string; Value: string }) => [f.Field, f.Value]));
      const fields: Record<string, string> = { ServiceCode: body.ServiceCode, ...filters };
      const recorded = products.find((r) => Object.entries(r.match).every(([k, v]) => fields[k] === v));
      const page = recorded?.pages[pageIndex(recorded.pages, body.NextToken)] ?? { FormatVersion: "aws_v1", PriceList: [] };
      return json(200, { ...page, PriceList: page.PriceList.map((p) => JSON.stringify(p)) });
    }
    if (req.url === "/DescribeSavingsPlansOfferingRates") {
      const body = JSON.parse(text);
      seen.push({ api: "savingsplans", signedRegion, body });
      const region = body.filters?.find((f: { name: string }) => f.name === "region")?.values?.[0];
      const pages = plans[region] ?? [{ searchResults: [] }];
      const i = body.nextToken ? pages.findIndex((p) => p.nextToken === body.nextToken) + 1 : 0;
      return json(200, pages[i] ?? { searchResults: [] }, "application/json");
    }
    const form = Object.fromEntries(new URLSearchParams(text));
    seen.push({ api: "ec2", signedRegion, body: form });
    if (form.Action !== "DescribeSpotPriceHistory") {
      res.writeHead(400, { "content-type": "text/xml" });
      return res.end(`<Response><Errors><Error><Code>InvalidAction</Code><Message>${form.Action}</Message></Error></Errors></Response>`);
    }
    const page = form.NextToken ? Number(/spot-page-(\d+)/.exec(form.NextToken)?.[1] ?? 0) : 1;
    let xml: string;
    try {
      xml = readFileSync(join(FIXTURES, `spot-${signedRegion}-${page}.xml`), "utf8");
    } catch {
      xml = `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>0</requestId><spotPriceHistorySet/><nextToken/></DescribeSpotPriceHistoryResponse>`;
    }
    res.writeHead(200, { "content-type": "text/xml;charset=UTF-8" });
    res.end(xml);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    // the SDK keeps connections alive: drop them, or close() waits for their idle timeout
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
