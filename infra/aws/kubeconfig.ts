/**
 * A kubeconfig for an EKS cluster that authenticates with `aws eks get-token` (the AWS CLI on the machine
 * running Pulumi or kubectl), so no long-lived token is stored anywhere. When the stack sets `aws:profile`, the
 * token is requested with that profile too (as `aws eks update-kubeconfig --profile` writes it), so Pulumi's
 * Kubernetes provider acts as the same identity that created the cluster.
 */
export function kubeconfig(clusterName: string, endpoint: string, certificateAuthorityData: string, region: string, awsProfile?: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthorityData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
            interactiveMode: "Never",
            ...(awsProfile ? { env: [{ name: "AWS_PROFILE", value: awsProfile }] } : {}),
          },
        },
      },
    ],
  });
}
