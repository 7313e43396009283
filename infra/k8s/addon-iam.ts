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

/**
 * AWS Load Balancer Controller, for Network Load Balancers: it may create load balancers, target groups and
 * security groups only with its cluster tag, and change or delete only those that carry it. Written for
 * hostwise after the controller's published policy (docs/install/iam_policy.json), without the ALB, WAF,
 * Shield and Cognito parts hostwise does not use.
 */
export function loadBalancerControllerPolicy(): string {
  const tagged = { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
  const requestTagged = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } };
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
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:DescribeRouteTables",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeIpamPools",
          "ec2:GetSecurityGroupsForVpc",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeCapacityReservation",
        ],
        Resource: "*",
      },
      { Sid: "CreateSecurityGroup", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
      {
        Sid: "TagNewSecurityGroup",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestTagged },
      },
      {
        Sid: "ManageOwnSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags"],
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
        Resource: ["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*"],
        Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestTagged },
      },
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
          "elasticloadbalancing:AddTags",
          "elasticloadbalancing:RemoveTags",
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
          "elasticloadbalancing:ModifyListenerAttributes",
        ],
        Resource: ["arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*", "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*"],
      },
      {
        Sid: "Targets",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
      },
    ],
  });
}
