import { createRequire } from "node:module";

// Each test file runs in a fresh worker that imports @pulumi/pulumi again: stand in for the two heavy modules
// it loads and hostwise never uses (scripts/lib/defer-pulumi-imports.js), as the CLI launcher does.
createRequire(__filename)("../../scripts/lib/defer-pulumi-imports.js").deferPulumiImports();
