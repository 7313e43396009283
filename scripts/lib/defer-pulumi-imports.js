"use strict";
// Plain CommonJS: scripts/run.js loads it before the CLI bundle, and vitest before each test file.
const Module = require("node:module");

/**
 * @pulumi/pulumi loads TypeScript (to serialize functions) and npm's Arborist (to find a serialized function's
 * packages) when it is imported: about 0.4 s of every CLI start and of every test file that imports it. hostwise
 * never serializes a function, so both are stood in for by a proxy that loads the real module on first use
 * (the Automation API, or a test that compiles TypeScript, still gets it).
 */
function deferUntilUsed(request) {
  let filename;
  try {
    filename = require.resolve(request, { paths: [require.resolve("@pulumi/pulumi")] });
  } catch {
    return; // not installed where Pulumi looks: nothing to defer
  }
  if (require.cache[filename]) return; // already loaded (or already deferred)
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

function deferPulumiImports() {
  deferUntilUsed("typescript");
  deferUntilUsed("@npmcli/arborist");
}

module.exports = { deferPulumiImports };
