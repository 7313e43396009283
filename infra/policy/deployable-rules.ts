import { addonVersion, VERSION_BOUND_ADDONS } from "../catalog/eks-addons";
import { findInstanceType } from "../catalog/instances";
import { ACCELERATOR_LABEL, sameGpuShape } from "../aws/gpu-nodes";
import { descriptionViolations, nameViolations } from "../aws/names";
import { dependenciesOf } from "./graph";
import { isGpuNodeGroup, list, ofType, parseJson, T, type Rule, type StackRule } from "./rule-kit";

// Rules that keep the program deployable on a real account (#9): what EKS, the controllers and AWS's APIs do
// with it on the first `pulumi up`, on updates and on `pulumi destroy`. Spread into RULES / STACK_RULES.

export const deployerRoute: StackRule = {
  name: "eks-deployer-route",
  description:
    "The machine running `pulumi up` reaches the cluster API: a public endpoint with an allowlist, or (for a VPC the stack does not create) port 443 admitted to the cluster security group.",
  check: (resources) =>
    resources.filter((r) => r.type === T.cluster).flatMap((cluster) => {
      const vpc = cluster.props.vpcConfig ?? {};
      if (vpc.endpointPublicAccess === true && list(vpc.publicAccessCidrs).length > 0) return [];
      const deps = dependenciesOf(resources, cluster.key);
      const ownVpc = [...deps].some((k) => k.startsWith("aws:ec2/subnet:Subnet::"));
      const admitted = resources.some((r) =>
        r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.dependencies.includes(cluster.key) &&
        Number(r.props.fromPort) <= 443 && Number(r.props.toPort) >= 443);
      if (admitted && !ownVpc) return [];
      return [`${cluster.key}: no route for the first pulumi up: the API endpoint is private and ${ownVpc ? "the VPC is created by this stack, so no connected network can exist yet" : "no rule admits port 443 to the cluster security group"}`];
    }),
};

export const controlPlaneLogGroupRetained: Rule = {
  name: "eks-log-group-retained",
  description:
    "The control-plane log group is kept on delete: EKS writes to it while the cluster is deleted and would re-create it after Pulumi removed it (teardown deletes it once the cluster is gone).",
  // The policy pack cannot see retainOnDelete (it only knows protect, ignoreChanges …); the tests can.
  check: (r) =>
    r.type === "aws:cloudwatch/logGroup:LogGroup" && /^\/aws\/eks\/.+\/cluster$/.test(String(r.props.name ?? "")) && r.opts?.retainOnDelete === false
      ? ["the control-plane log group is deleted with the stack; EKS re-creates it, and the next pulumi up fails with ResourceAlreadyExistsException"]
      : [],
};

/** Statements of an IAM policy document that allow an action (exact match). */
function allowing(doc: any, action: string): any[] {
  return list(doc?.Statement).filter((s) => s.Effect === "Allow" && list(s.Action).includes(action));
}

export const loadBalancerControllerPolicy: Rule = {
  name: "lbc-iam-complete",
  description:
    "The load balancer controller's policy lets it add backend rules to the (untagged) cluster security group, tag listeners at creation, read ACM certificates, and tag only what carries its cluster tag.",
  check: (r) => {
    if (r.type !== "aws:iam/policy:Policy") return [];
    const doc = parseJson(r.props.policy);
    if (allowing(doc, "elasticloadbalancing:CreateLoadBalancer").length === 0) return [];
    const out: string[] = [];
    const condition = (s: any) => JSON.stringify(s.Condition ?? {});
    if (!allowing(doc, "ec2:AuthorizeSecurityGroupIngress").some((s) => !condition(s).includes("elbv2.k8s.aws/cluster"))) {
      out.push("ec2:AuthorizeSecurityGroupIngress only on security groups the controller tagged: it cannot admit the NLB to the cluster security group (IP targets)");
    }
    if (!allowing(doc, "elasticloadbalancing:AddTags").some((s) => list(s.Resource).some((a: string) => a.includes(":listener/")))) {
      out.push("elasticloadbalancing:AddTags is not allowed on listeners: CreateListener with tags fails");
    }
    for (const s of allowing(doc, "ec2:CreateTags")) {
      if (!condition(s).includes("aws:RequestTag/elbv2.k8s.aws/cluster")) out.push("an ec2:CreateTags statement is not guarded by aws:RequestTag/elbv2.k8s.aws/cluster");
    }
    for (const action of ["acm:ListCertificates", "acm:DescribeCertificate"]) {
      if (allowing(doc, action).length === 0) out.push(`${action} is not allowed: TLS listeners cannot find their certificate`);
    }
    return out;
  },
};

export const gpuMinimalUpdates: Rule = {
  name: "gpu-minimal-updates",
  description: "GPU node groups update with updateStrategy MINIMAL: old nodes go before new ones come, no surge of scarce GPU instances.",
  check: (r) => (isGpuNodeGroup(r) && r.props.updateConfig?.updateStrategy !== "MINIMAL" ? ["updateConfig.updateStrategy is not MINIMAL: an AMI update launches a surge of extra GPU nodes first"] : []),
};

export const desiredSizeSent: StackRule = {
  name: "node-group-desired-size",
  description:
    "No node group ignores scalingConfig.desiredSize (the provider then sends a stale value that resets cluster-autoscaler or fails when min rises), and min ≤ desired ≤ max.",
  check: (resources) =>
    resources.filter((r) => r.type === T.nodeGroup).flatMap((r) => {
      const out: string[] = [];
      if (list(r.opts?.ignoreChanges).some((p: string) => p.startsWith("scalingConfig"))) {
        out.push(`${r.key}: ignores scalingConfig.desiredSize; raising min above the stored desired size is rejected by EKS`);
      }
      const { minSize, desiredSize, maxSize } = r.props.scalingConfig ?? {};
      if ([minSize, desiredSize, maxSize].every((n) => typeof n === "number") && !(minSize <= desiredSize && desiredSize <= maxSize)) {
        out.push(`${r.key}: desired size ${desiredSize} is outside [${minSize}, ${maxSize}]`);
      }
      return out;
    }),
};

export const supportTypeExplicit: Rule = {
  name: "eks-support-type",
  description: "EKS clusters set upgradePolicy.supportType, so the tier EKS bills is the one the cost estimate prices (EKS defaults to EXTENDED).",
  check: (r) => (r.type === T.cluster && !["STANDARD", "EXTENDED"].includes(r.props.upgradePolicy?.supportType) ? ["upgradePolicy.supportType is not set"] : []),
};

export const addonVersionsPinned: StackRule = {
  name: "eks-addon-versions",
  description: "kube-proxy and CoreDNS run the versions infra/catalog/eks-addons.ts pins for the cluster's Kubernetes version.",
  check: (resources) => {
    const version = resources.find((r) => r.type === T.cluster)?.props.version;
    if (typeof version !== "string") return [];
    return resources
      .filter((r) => r.type === T.addon && (VERSION_BOUND_ADDONS as readonly string[]).includes(r.props.addonName))
      .flatMap((r) => {
        const pinned = addonVersion(version, r.props.addonName);
        return r.props.addonVersion === pinned ? [] : [`${r.key}: ${r.props.addonName} runs ${r.props.addonVersion ?? "EKS's default"}, not ${pinned ?? "a catalogued version"} for Kubernetes ${version}`];
      });
  },
};

export const waitForNetworkingAddons: StackRule = {
  name: "wait-for-networking-addons",
  description: "Node groups and the Kubernetes provider wait for the vpc-cni and eks-pod-identity-agent add-ons: nodes join with pod networking, and pods get AWS credentials from the start.",
  check: (resources) => {
    const needed = resources.filter((r) => r.type === T.addon && ["vpc-cni", "eks-pod-identity-agent"].includes(r.props.addonName));
    if (needed.length === 0) return [];
    return resources
      .filter((r) => r.type === T.nodeGroup || r.type === T.k8sProvider)
      .flatMap((r) => {
        const deps = dependenciesOf(resources, r.key);
        return needed.filter((a) => !deps.has(a.key)).map((a) => `${r.key} does not wait for the ${a.props.addonName} add-on`);
      });
  },
};

/** What carries a created VPC's traffic out: route table associations, routes (NAT, internet gateway), VPC endpoints. */
const EGRESS_TYPES: readonly string[] = [T.route, "aws:ec2/routeTableAssociation:RouteTableAssociation", T.vpcEndpoint];

export const egressOutlivesNodes: StackRule = {
  name: "egress-outlives-nodes",
  description:
    "Node groups wait for the subnets' way out (routes, route table associations, VPC endpoints): nodes bootstrap through it, and `pulumi destroy` keeps it until the nodes and what runs on them are gone, so the load balancer controller and the EBS CSI driver can still delete the NLB and the volumes they created.",
  check: (resources) => {
    const egress = resources.filter((r) => EGRESS_TYPES.includes(r.type));
    return ofType(resources, T.nodeGroup).flatMap((group) => {
      const deps = dependenciesOf(resources, group.key);
      return egress.filter((e) => !deps.has(e.key)).map((e) =>
        `${group.key} does not wait for ${e.key}: pulumi destroy removes it first, and the controllers lose their way to AWS while they delete the NLB and volumes (leaked, destroy times out)`);
    });
  },
};

export const acceleratorLabelled: StackRule = {
  name: "gpu-accelerator-label",
  description: `GPU node groups carry ${ACCELERATOR_LABEL}, and their Auto Scaling group's node-template tag says so, so cluster-autoscaler treats the nodes as GPU nodes from zero.`,
  check: (resources) => {
    const tagKey = `k8s.io/cluster-autoscaler/node-template/label/${ACCELERATOR_LABEL}`;
    const templateTags = resources.filter((r) => r.type === "aws:autoscaling/tag:Tag" && r.props.tag?.key === tagKey);
    return resources.filter(isGpuNodeGroup).flatMap((r) => {
      const value = r.props.labels?.[ACCELERATOR_LABEL];
      if (!value) return [`${r.key}: no ${ACCELERATOR_LABEL} label`];
      return templateTags.some((t) => t.props.tag.value === value && t.dependencies.includes(r.key)) ? [] : [`${r.key}: its Auto Scaling group has no ${tagKey} tag`];
    });
  },
};

export const imdsOneHop: Rule = {
  name: "imds-one-hop",
  description: "Launch templates keep the IMDS hop limit at 1, so no pod reaches node credentials (no add-on here needs more).",
  check: (r) =>
    r.type === "aws:ec2/launchTemplate:LaunchTemplate" && Number(r.props.metadataOptions?.httpPutResponseHopLimit ?? 1) !== 1
      ? [`metadataOptions.httpPutResponseHopLimit is ${r.props.metadataOptions.httpPutResponseHopLimit}: pods can reach the node's IMDS credentials`]
      : [],
};

export const spotDiversified: Rule = {
  name: "spot-gpu-diversified",
  description: "Spot GPU node groups list the plan's type first and only types of its GPU shape after it (same GPUs, no less memory or vCPUs), so cluster-autoscaler never assumes more room than a node has.",
  check: (r) => {
    if (!isGpuNodeGroup(r) || r.props.capacityType !== "SPOT") return [];
    const [first, ...rest] = list(r.props.instanceTypes).map((t) => String(t));
    const plan = first === undefined ? undefined : findInstanceType(first);
    if (!plan) return [`spot instance types start with ${first ?? "nothing"}, not a catalog GPU type`];
    return rest.flatMap((t) => {
      const other = findInstanceType(t);
      return other && sameGpuShape(plan, other) ? [] : [`spot instance type ${t} is not of ${first}'s GPU shape (${plan.gpuCount} × ${plan.gpuName}, at least its GPU memory, vCPUs and memory)`];
    });
  },
};

export const awsNameLimits: Rule = {
  name: "aws-name-limits",
  description: "Names of IAM roles and policies, node groups, launch templates and security groups stay within AWS's length and character limits for every valid stack name, and so do IAM role descriptions.",
  check: (r) => [...nameViolations(r.type, r.name, r.props), ...descriptionViolations(r.type, r.props)],
};

export const DEPLOYABLE_RULES: readonly Rule[] = [controlPlaneLogGroupRetained, loadBalancerControllerPolicy, gpuMinimalUpdates, supportTypeExplicit, imdsOneHop, spotDiversified, awsNameLimits];

export const DEPLOYABLE_STACK_RULES: readonly StackRule[] = [deployerRoute, desiredSizeSent, addonVersionsPinned, waitForNetworkingAddons, egressOutlivesNodes, acceleratorLabelled];
