#!/usr/bin/env node
// Starts the hostwise CLI fast: bundles our TypeScript (scripts/hostwise.ts and what it imports, not
// node_modules) with esbuild into node_modules/.cache/hostwise, then runs it with plain Node. Bundling takes
// about 0.1 s; compiling on every start through a TypeScript loader costs well over a second.
"use strict";
const { buildSync } = require("esbuild");
const { join } = require("node:path");

const root = join(__dirname, "..");
const outfile = join(root, "node_modules", ".cache", "hostwise", "cli.js");
buildSync({
  entryPoints: [join(root, "scripts", "hostwise.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "error",
});
process.env.HOSTWISE_ROOT = root; // bundled code cannot find charts/ and stack files from __dirname
require(outfile)
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
