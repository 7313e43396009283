import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clusterAutoscalerPolicy, loadBalancerControllerPolicy } from "../infra/k8s/addon-iam";
import { readChart } from "../infra/k8s/charts";
import { loadBalancerControllerPolicy as lbcRule } from "../infra/policy/deployable-rules";
import { noWildcardIam } from "../infra/policy/rules";

type Statement = { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, unknown> };
const statements = (policy: string): Statement[] => JSON.parse(policy).Statement;
const actions = (s: Statement) => ([] as string[]).concat(s.Action);
const READ_ONLY = /:(Describe|Get|List)/;

describe("add-on IAM policies", () => {
  it.each([
    ["cluster-autoscaler", clusterAutoscalerPolicy("hostwise-dev")],
    ["aws-load-balancer-controller", loadBalancerControllerPolicy("hostwise-dev")],
  ])("%s: no wildcard action, and every mutating action on '*' is held by a condition", (_name, policy) => {
    expect(noWildcardIam.check({ type: "aws:iam/policy:Policy", name: "p", props: { policy } })).toEqual([]);
    for (const s of statements(policy)) {
      for (const action of actions(s)) expect(action).not.toContain("*");
      const onEverything = ([] as string[]).concat(s.Resource).includes("*");
      const mutating = actions(s).some((a) => !READ_ONLY.test(a));
      // creating a security group cannot be conditioned on tags the new group does not have yet
      if (onEverything && mutating && s.Sid !== "CreateSecurityGroup") expect(s.Condition, s.Sid).toBeDefined();
    }
  });

  it("lets cluster-autoscaler resize only the Auto Scaling groups this cluster owns", () => {
    const resize = statements(clusterAutoscalerPolicy("hostwise-dev")).find((s) => actions(s).includes("autoscaling:SetDesiredCapacity"))!;
    expect(resize.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/hostwise-dev": "owned" } });
  });
});

// The controller's published policy at the version the pinned chart installs (facts only: actions,
// resources, conditions; source in the fixture), and why hostwise leaves each missing action out.
const UPSTREAM = JSON.parse(readFileSync(join(__dirname, "fixtures", "aws-load-balancer-controller", "iam-policy-v3.5.0.json"), "utf8")) as {
  source: { tag: string; path: string };
  statements: Array<{ actions: string[]; resources: string[]; condition?: Record<string, Record<string, unknown>> }>;
};

const CHART_ADDONS_OFF = "the chart values turn the controller's WAF, WAFv2 and Shield add-ons off (enableWaf/enableWafv2/enableShield: false)";
const LEFT_OUT: Record<string, string> = {
  "ec2:GetCoipPoolUsage": "customer-owned IP pools exist only on Outposts (an ALB annotation)",
  "ec2:DescribeCoipPools": "customer-owned IP pools exist only on Outposts (an ALB annotation)",
  "cognito-idp:DescribeUserPoolClient": "Cognito authentication is an ALB listener action",
  "iam:ListServerCertificates": "IAM server certificates are discovered for Ingress hosts only; hostwise names an ACM certificate",
  "iam:GetServerCertificate": "IAM server certificates are discovered for Ingress hosts only; hostwise names an ACM certificate",
  "waf-regional:GetWebACL": CHART_ADDONS_OFF,
  "waf-regional:GetWebACLForResource": CHART_ADDONS_OFF,
  "waf-regional:AssociateWebACL": CHART_ADDONS_OFF,
  "waf-regional:DisassociateWebACL": CHART_ADDONS_OFF,
  "wafv2:GetWebACL": CHART_ADDONS_OFF,
  "wafv2:GetWebACLForResource": CHART_ADDONS_OFF,
  "wafv2:AssociateWebACL": CHART_ADDONS_OFF,
  "wafv2:DisassociateWebACL": CHART_ADDONS_OFF,
  "shield:GetSubscriptionState": CHART_ADDONS_OFF,
  "shield:DescribeProtection": CHART_ADDONS_OFF,
  "shield:CreateProtection": CHART_ADDONS_OFF,
  "shield:DeleteProtection": CHART_ADDONS_OFF,
  "elasticloadbalancing:CreateRule": "listener rules are an ALB feature; NLB listeners have none",
  "elasticloadbalancing:DeleteRule": "listener rules are an ALB feature; NLB listeners have none",
  "elasticloadbalancing:ModifyRule": "listener rules are an ALB feature; NLB listeners have none",
  "elasticloadbalancing:SetRulePriorities": "listener rules are an ALB feature; NLB listeners have none",
  "elasticloadbalancing:SetWebAcl": CHART_ADDONS_OFF,
  "elasticloadbalancing:ModifyCapacityReservation": "called only for the minimum-load-balancer-capacity annotation, which hostwise does not set",
  "elasticloadbalancing:ModifyIpPools": "called only for an IPAM pool annotation, which hostwise does not set",
};

describe("the load balancer controller's policy against the upstream one", () => {
  const kit = statements(loadBalancerControllerPolicy("hostwise-dev"));
  const kitActions = new Set(kit.flatMap(actions));
  const upstreamActions = new Set(UPSTREAM.statements.flatMap((s) => s.actions));

  it("keeps or explains every upstream action, and adds none of its own", () => {
    expect(UPSTREAM.source).toMatchObject({ tag: "v3.5.0", path: "docs/install/iam_policy.json" });
    for (const action of upstreamActions) {
      expect(kitActions.has(action) || action in LEFT_OUT, `${action}: neither kept nor explained`).toBe(true);
      expect(kitActions.has(action) && action in LEFT_OUT, `${action}: kept and explained as left out`).toBe(false);
    }
    expect([...kitActions].filter((a) => !upstreamActions.has(a))).toEqual([]);
    expect(Object.keys(LEFT_OUT).filter((a) => !upstreamActions.has(a))).toEqual([]); // no stale explanation
  });

  it("matches the chart version it was written for", () => {
    expect(readChart("aws-load-balancer-controller").version).toBe("3.5.0"); // appVersion v3.5.0
    const values = parse(readFileSync(join(__dirname, "..", "charts", "aws-load-balancer-controller", "values.yaml"), "utf8"))["aws-load-balancer-controller"];
    expect(values).toMatchObject({ enableShield: false, enableWaf: false, enableWafv2: false });
  });

  it("admits IP targets through the cluster security group, scoped by EKS's cluster tag", () => {
    const backend = kit.find((s) => s.Sid === "BackendRulesOnClusterSecurityGroup")!;
    expect(actions(backend)).toEqual(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]);
    expect(backend.Condition).toEqual({ StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/hostwise-dev": "owned" } });
  });

  it("guards every tag change as upstream does", () => {
    const upstreamCreateTags = UPSTREAM.statements.filter((s) => s.actions.includes("ec2:CreateTags")).map((s) => s.condition);
    const kitCreateTags = kit.filter((s) => actions(s).includes("ec2:CreateTags")).map((s) => s.Condition);
    expect(kitCreateTags).toEqual(upstreamCreateTags);
    expect(kit.find((s) => s.Sid === "TagListeners")!.Resource).toBe("arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*");
  });

  it("is what the lbc-iam-complete rule asks for, and the rule catches the old policy's gaps", () => {
    const check = (policy: object) => lbcRule.check({ type: "aws:iam/policy:Policy", name: "lbc", props: { policy: JSON.stringify(policy) } });
    expect(check({ Statement: kit })).toEqual([]);
    const withoutGaps = kit.filter((s) => !["BackendRulesOnClusterSecurityGroup", "TagListeners", "ReadCertificates"].includes(s.Sid));
    const unguarded = withoutGaps.map((s) => (s.Sid === "RetagOwnSecurityGroups" ? { ...s, Condition: { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } } } : s));
    expect(check({ Statement: unguarded })).toEqual([
      "ec2:AuthorizeSecurityGroupIngress only on security groups the controller tagged: it cannot admit the NLB to the cluster security group (IP targets)",
      "elasticloadbalancing:AddTags is not allowed on listeners: CreateListener with tags fails",
      "an ec2:CreateTags statement is not guarded by aws:RequestTag/elbv2.k8s.aws/cluster",
      "acm:ListCertificates is not allowed: TLS listeners cannot find their certificate",
      "acm:DescribeCertificate is not allowed: TLS listeners cannot find their certificate",
    ]);
  });
});
