import { describe, expect, it } from "vitest";
import { clusterAutoscalerPolicy, loadBalancerControllerPolicy } from "../infra/k8s/addon-iam";
import { noWildcardIam } from "../infra/policy/rules";

type Statement = { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, unknown> };
const statements = (policy: string): Statement[] => JSON.parse(policy).Statement;
const actions = (s: Statement) => ([] as string[]).concat(s.Action);
const READ_ONLY = /:(Describe|Get|List)/;

describe("add-on IAM policies", () => {
  it.each([
    ["cluster-autoscaler", clusterAutoscalerPolicy("hostwise-dev")],
    ["aws-load-balancer-controller", loadBalancerControllerPolicy()],
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
