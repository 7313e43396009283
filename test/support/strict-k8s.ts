import { dirname, join } from "node:path";
import ts from "typescript";

// kubernetes-models checks types and required fields but lets unknown fields through (a `replicaz` typo
// passes). This walks an object against the model's TypeScript declaration instead and reports every field
// the Kubernetes (or KEDA) schema does not define.

const MODELS = dirname(require.resolve("kubernetes-models/package.json"));
const KEDA = dirname(require.resolve("@kubernetes-models/keda/package.json"));

/** Pulumi type token → the kubernetes-models declaration that describes it. */
const DECLARATIONS: Record<string, { file: string; name: string }> = {
  "kubernetes:apps/v1:Deployment": { file: join(MODELS, "apps/v1/Deployment.d.ts"), name: "IDeployment" },
  "kubernetes:core/v1:Service": { file: join(MODELS, "v1/Service.d.ts"), name: "IService" },
  "kubernetes:core/v1:Namespace": { file: join(MODELS, "v1/Namespace.d.ts"), name: "INamespace" },
  "kubernetes:core/v1:Secret": { file: join(MODELS, "v1/Secret.d.ts"), name: "ISecret" },
  "kubernetes:core/v1:ServiceAccount": { file: join(MODELS, "v1/ServiceAccount.d.ts"), name: "IServiceAccount" },
  "kubernetes:core/v1:ConfigMap": { file: join(MODELS, "v1/ConfigMap.d.ts"), name: "IConfigMap" },
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": { file: join(MODELS, "networking.k8s.io/v1/NetworkPolicy.d.ts"), name: "INetworkPolicy" },
  "kubernetes:policy/v1:PodDisruptionBudget": { file: join(MODELS, "policy/v1/PodDisruptionBudget.d.ts"), name: "IPodDisruptionBudget" },
  "kubernetes:storage.k8s.io/v1:StorageClass": { file: join(MODELS, "storage.k8s.io/v1/StorageClass.d.ts"), name: "IStorageClass" },
  "kubernetes:keda.sh/v1alpha1:ScaledObject": { file: join(KEDA, "keda.sh/v1alpha1/ScaledObject.d.ts"), name: "IScaledObject" },
};

let program: ts.Program | undefined;
function checkerAndType(token: string): { checker: ts.TypeChecker; type: ts.Type; at: ts.Node } {
  const decl = DECLARATIONS[token];
  if (!decl) throw new Error(`no schema declaration for ${token}`);
  program ??= ts.createProgram(Object.values(DECLARATIONS).map((d) => d.file), {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(decl.file);
  const node = source?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === decl.name);
  if (!source || !node) throw new Error(`${decl.name} not found in ${decl.file}`);
  return { checker, type: checker.getTypeAtLocation(node.name), at: source };
}

export function hasStrictSchema(token: string): boolean {
  return token in DECLARATIONS;
}

/** Paths of fields in `object` that the schema of `token` does not define. */
export function unknownFields(token: string, object: unknown): string[] {
  const { checker, type, at } = checkerAndType(token);
  const unknown: string[] = [];
  const walk = (value: unknown, t: ts.Type, path: string): void => {
    t = checker.getNonNullableType(t);
    if (Array.isArray(value)) {
      const element = checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
      if (element) value.forEach((v, i) => walk(v, element, `${path}[${i}]`));
      return;
    }
    if (typeof value !== "object" || value === null) return;
    const candidates = (t.isUnion() ? t.types : [t]).filter((m) => m.flags & ts.TypeFlags.Object && !checker.isArrayType(m));
    if (candidates.length === 0) return; // e.g. IntOrString: primitive types, checked by kubernetes-models
    for (const [key, child] of Object.entries(value)) {
      const where = path ? `${path}.${key}` : key;
      const owner = candidates.find((c) => c.getProperty(key));
      if (owner) {
        walk(child, checker.getTypeOfSymbolAtLocation(owner.getProperty(key)!, at), where);
        continue;
      }
      const index = candidates.map((c) => checker.getIndexInfoOfType(c, ts.IndexKind.String)?.type).find(Boolean);
      if (index) walk(child, index, where);
      else unknown.push(where);
    }
  };
  walk(object, type, "");
  return unknown;
}

/** kubernetes-models' own validation (types, required fields); throws with the failing path. */
export async function validateWithModels(token: string, object: Record<string, unknown>): Promise<void> {
  const loaders: Record<string, () => Promise<unknown>> = {
    "kubernetes:apps/v1:Deployment": async () => new (await import("kubernetes-models/apps/v1/Deployment")).Deployment(object as never),
    "kubernetes:core/v1:Service": async () => new (await import("kubernetes-models/v1/Service")).Service(object as never),
    "kubernetes:core/v1:Namespace": async () => new (await import("kubernetes-models/v1/Namespace")).Namespace(object as never),
    "kubernetes:core/v1:Secret": async () => new (await import("kubernetes-models/v1/Secret")).Secret(object as never),
    "kubernetes:core/v1:ServiceAccount": async () => new (await import("kubernetes-models/v1/ServiceAccount")).ServiceAccount(object as never),
    "kubernetes:core/v1:ConfigMap": async () => new (await import("kubernetes-models/v1/ConfigMap")).ConfigMap(object as never),
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": async () => new (await import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy")).NetworkPolicy(object as never),
    "kubernetes:policy/v1:PodDisruptionBudget": async () => new (await import("kubernetes-models/policy/v1/PodDisruptionBudget")).PodDisruptionBudget(object as never),
    "kubernetes:storage.k8s.io/v1:StorageClass": async () => new (await import("kubernetes-models/storage.k8s.io/v1/StorageClass")).StorageClass(object as never),
    "kubernetes:keda.sh/v1alpha1:ScaledObject": async () => new (await import("@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject")).ScaledObject(object as never),
  };
  const load = loaders[token];
  if (!load) throw new Error(`no kubernetes-models class for ${token}`);
  // kubernetes-models is ESM with exports-only types; its Model base class carries validate().
  ((await load()) as { validate(): void }).validate();
}
