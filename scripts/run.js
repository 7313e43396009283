#!/usr/bin/env node
// Starts the hostwise CLI fast: bundles our TypeScript (scripts/hostwise.ts and what it imports, not
// node_modules) with esbuild into node_modules/.cache/hostwise, then runs it with plain Node. Bundling takes
// about 0.15 s and is skipped while the bundle is newer than every source file; compiling on every start
// through a TypeScript loader costs well over a second.
"use strict";
const { readdirSync, statSync } = require("node:fs");
const Module = require("node:module");
const { join } = require("node:path");

const root = join(__dirname, "..");
const outfile = join(root, "node_modules", ".cache", "hostwise", "cli.js");

/** Newest modification time of the sources the bundle is built from. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(outfile).mtimeMs > Math.max(newestSource(join(root, "infra")), newestSource(join(root, "scripts")));
  } catch {
    return false;
  }
}

if (!bundleIsFresh()) {
  require("esbuild").buildSync({
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
}
/**
 * @pulumi/pulumi loads TypeScript (to serialize functions) and npm's Arborist (to find a serialized function's
 * packages) when it is imported, about 0.4 s of the CLI's start. The CLI never serializes a function, so both
 * are stood in for by a proxy that loads the real module on first use (the Automation API still gets it).
 */
function deferUntilUsed(request) {
  let filename;
  try {
    filename = require.resolve(request, { paths: [require.resolve("@pulumi/pulumi")] });
  } catch {
    return; // not installed where Pulumi looks: nothing to defer
  }
  let real;
  const load = () => {
    if (real === undefined) {
      delete require.cache[filename];
      real = require(filename);
    }
    return real;
  };
  const stub = new Module(filename);
  stub.filename = filename;
  stub.loaded = true;
  stub.exports = new Proxy({}, {
    get: (_target, key) => (key === "__esModule" ? true : Reflect.get(load(), key)),
    has: (_target, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => {
      const d = Reflect.getOwnPropertyDescriptor(load(), key);
      return d && { ...d, configurable: true };
    },
  });
  require.cache[filename] = stub;
}
deferUntilUsed("typescript");
deferUntilUsed("@npmcli/arborist");

process.env.HOSTWISE_ROOT = root; // bundled code cannot find charts/ and stack files from __dirname
require(outfile)
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
