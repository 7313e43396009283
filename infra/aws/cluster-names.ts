// Names derived from the stack before anything exists; no Pulumi import, so the CLI can use them too.

/** EKS cluster names allow letters, digits, - and _ (100 at most); stack names may also hold dots. */
export function clusterNameFor(project: string, stack: string): string {
  return `${project}-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 100);
}

/** The control-plane log group EKS writes to (and re-creates while a cluster is being deleted). */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}
