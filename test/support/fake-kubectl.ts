// A stand-in for `kubectl port-forward`: a node script that listens on the local port kubectl would and pipes
// every connection to a local server, so the port-forward code runs against a real child process.

/** The script's source; run it as `node -e PROXY(port) -- <kubectl port-forward arguments>`. */
export const PROXY = (targetPort: number, mustInclude: readonly string[] = []) => `
const net = require("node:net");
for (const arg of ${JSON.stringify(mustInclude)}) if (!process.argv.includes(arg)) { console.error("missing argument " + arg); process.exit(3); }
const [local] = process.argv.find((a) => /^\\d+:\\d+$/.test(a)).split(":");
net.createServer((c) => { const u = net.connect(${targetPort}, "127.0.0.1"); c.pipe(u); u.pipe(c); u.on("error", () => c.destroy()); c.on("error", () => u.destroy()); })
  .listen(Number(local), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));`;
