import type { NodeStorage } from "../sizing/node-storage";

/**
 * The launch template's user data for GPU nodes: a MIME multi-part document with one nodeadm NodeConfig
 * part. EKS managed node groups add their own part (cluster name, endpoint, CA) and nodeadm merges both.
 * With local NVMe, `localStorage: RAID0` assembles the instance-store disks into one array mounted at
 * /mnt/k8s-disks/0 and bind-mounts /var/lib/containerd, /var/lib/kubelet and /var/log/pods onto it, so image
 * layers and every emptyDir volume (the model cache) live on NVMe (awslabs/amazon-eks-ami nodeadm
 * LocalStorageOptions; templates/al2023/runtime/bin/setup-local-disks).
 */
export const USER_DATA_BOUNDARY = "HOSTWISE";

export function nodeConfigUserData(storage: NodeStorage): string | undefined {
  if (storage.modelCache !== "nvme") return undefined;
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`,
    "",
    `--${USER_DATA_BOUNDARY}`,
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  instance:",
    "    localStorage:",
    "      strategy: RAID0",
    "",
    `--${USER_DATA_BOUNDARY}--`,
    "",
  ].join("\n");
}

/** What a launch template's (base64) user data asks nodeadm for: the local storage strategy, if any. */
export function localStorageStrategy(userDataBase64: string | undefined): string | undefined {
  if (!userDataBase64) return undefined;
  const text = Buffer.from(userDataBase64, "base64").toString("utf8");
  if (!/Content-Type: application\/node\.eks\.aws/.test(text)) return undefined;
  return /localStorage:\s*\n\s*strategy:\s*(\S+)/.exec(text)?.[1];
}
