// IAM policies of the add-ons that call AWS, scoped as tightly as their APIs allow. Describe/List calls take
// no resource scoping in IAM, so they are on "*"; every mutating call is limited by tag or resource type.

/** cluster-autoscaler: resize only Auto Scaling groups tagged as owned by this cluster. */
export function clusterAutoscalerPolicy(clusterName: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Sid: "ResizeOwnGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  });
}

const CLUSTER_TAG = "elbv2.k8s.aws/cluster";
const NLB = "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*";
const NLB_LISTENER = "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*";
const TARGET_GROUP = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*";

/**
 * AWS Load Balancer Controller, for Network Load Balancers. Written after the controller's published policy
 * (docs/install/iam_policy.json at the version the pinned chart installs; test/fixtures keeps its action
 * list and test/addon-iam.test.ts explains every action left out): the ALB, WAF, Shield, Cognito and Outposts
 * parts hostwise does not use are gone (the chart values turn the WAF and Shield add-ons off), and listener
 * actions are limited to NLB ARNs. The controller creates load balancers, target groups and security groups
 * only with its cluster tag and changes only those, except the backend rules it adds to the cluster security
 * group (IP targets are pods behind that group), which is scoped to that group by EKS's own cluster tag.
 */
export function loadBalancerControllerPolicy(clusterName: string): string {
  const tagged = { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
  const requestTagged = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } };
  // Re-tagging a resource the controller owns, without moving its cluster tag.
  const retag = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ServiceLinkedRole",
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:GetSecurityGroupsForVpc",
          "ec2:DescribeIpamPools",
          "ec2:DescribeRouteTables",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeCapacityReservation",
        ],
        Resource: "*",
      },
      // TLS listeners: the certificate named on the Service (ACM takes no resource scoping for List).
      { Sid: "ReadCertificates", Effect: "Allow", Action: ["acm:ListCertificates", "acm:DescribeCertificate"], Resource: "*" },
      {
        Sid: "BackendRulesOnClusterSecurityGroup",
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: "owned" } },
      },
      { Sid: "CreateSecurityGroup", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
      {
        Sid: "TagNewSecurityGroup",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestTagged },
      },
      { Sid: "RetagOwnSecurityGroups", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: "arn:aws:ec2:*:*:security-group/*", Condition: retag },
      {
        Sid: "ManageOwnSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
        Resource: "*",
        Condition: tagged,
      },
      {
        Sid: "CreateTaggedLoadBalancers",
        Effect: "Allow",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: "*",
        Condition: requestTagged,
      },
      {
        Sid: "TagOnCreate",
        Effect: "Allow",
        Action: "elasticloadbalancing:AddTags",
        Resource: [TARGET_GROUP, NLB],
        Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestTagged },
      },
      { Sid: "RetagOwnLoadBalancers", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], Resource: [TARGET_GROUP, NLB], Condition: retag },
      // Listeners carry the controller's tags from CreateListener on: tagging them is part of creating them.
      { Sid: "TagListeners", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], Resource: NLB_LISTENER },
      {
        Sid: "ManageOwnLoadBalancers",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:ModifyListenerAttributes",
        ],
        Resource: "*",
        Condition: tagged,
      },
      {
        Sid: "Listeners",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
        ],
        Resource: [NLB, NLB_LISTENER],
      },
      { Sid: "Targets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: TARGET_GROUP },
    ],
  });
}
