import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/**
 * AWS name rules of the resources hostwise lets Pulumi name. Pulumi autonames `<logical name>-<7 hex>` and the
 * provider rejects a name over the limit (or AWS does), so a long stack name would break the first
 * `pulumi up`. Limits: IAM CreateRole RoleName 64 and CreatePolicy PolicyName 128 ([\w+=,.@-]); EKS
 * nodegroupName 63 (letters, digits, - and _, starting with a letter or digit); EC2 LaunchTemplateName 128
 * ([a-zA-Z0-9().\-/_]); EC2 security group names 255 (ASCII); S3 bucket names 63 (lower-case letters, digits,
 * dots and hyphens).
 */
export interface NameRule {
  readonly maxLength: number;
  readonly valid: RegExp;
  /** The input that holds an explicit name, and the one for a prefix AWS completes with a unique suffix. */
  readonly nameProperty: string;
  readonly prefixProperty: string;
  /** Names are lower case only (S3). */
  readonly lowerCase?: boolean;
}

export const AWS_NAME_RULES: Readonly<Record<string, NameRule>> = {
  "aws:iam/role:Role": { maxLength: 64, valid: /^[\w+=,.@-]+$/, nameProperty: "name", prefixProperty: "namePrefix" },
  "aws:iam/policy:Policy": { maxLength: 128, valid: /^[\w+=,.@-]+$/, nameProperty: "name", prefixProperty: "namePrefix" },
  "aws:eks/nodeGroup:NodeGroup": { maxLength: 63, valid: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, nameProperty: "nodeGroupName", prefixProperty: "nodeGroupNamePrefix" },
  "aws:ec2/launchTemplate:LaunchTemplate": { maxLength: 128, valid: /^[A-Za-z0-9().\/_-]+$/, nameProperty: "name", prefixProperty: "namePrefix" },
  "aws:ec2/securityGroup:SecurityGroup": { maxLength: 255, valid: /^[\x20-\x7e]+$/, nameProperty: "name", prefixProperty: "namePrefix" },
  "aws:s3/bucket:Bucket": { maxLength: 63, valid: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, nameProperty: "bucket", prefixProperty: "bucketPrefix", lowerCase: true },
};

/** Pulumi's autoname adds "-" and 7 random hex characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;
/** A `namePrefix` is completed by the provider with a 26-character unique suffix (terraform-plugin-sdk id.UniqueIDSuffixLength). */
export const PREFIX_SUFFIX_LENGTH = 26;

/** Whether Pulumi's autoname for this logical name is a valid AWS name. */
export function autonameFits(rule: NameRule, logicalName: string): boolean {
  return logicalName.length + AUTONAME_SUFFIX_LENGTH <= rule.maxLength && rule.valid.test(`${logicalName}-0abc123`);
}

/**
 * A name prefix that fits the rule: the logical name with invalid characters replaced, cut to leave room for
 * a hash of the whole name (so two long stack names sharing a beginning still differ) and the provider's
 * unique suffix. Used only where the autoname would not fit, so stacks that deploy today keep their names.
 */
export function fittedPrefix(rule: NameRule, logicalName: string): string {
  const hash = createHash("sha256").update(logicalName).digest("hex").slice(0, 8);
  const name = rule.lowerCase ? logicalName.toLowerCase().replace(/_/g, "-") : logicalName;
  const clean = name.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  const room = rule.maxLength - PREFIX_SUFFIX_LENGTH - hash.length - 2;
  return `${clean.slice(0, room).replace(/-+$/, "")}-${hash}-`.replace(/^-/, "h");
}

/**
 * A stack transformation that gives every resource whose autoname would break an AWS name rule a fitted
 * `namePrefix` instead (the Name tag keeps the full name). Resources with an explicit name are left alone.
 */
export function fitAwsNames(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
  const rule = AWS_NAME_RULES[args.type];
  if (!rule || args.props[rule.nameProperty] !== undefined || args.props[rule.prefixProperty] !== undefined) return undefined;
  if (autonameFits(rule, args.name)) return undefined;
  return { props: { ...args.props, [rule.prefixProperty]: fittedPrefix(rule, args.name) }, opts: args.opts };
}

/** Violations of the rules for a resource's name inputs (explicit, prefix, or the autoname of its logical name). */
export function nameViolations(type: string, logicalName: string, props: Record<string, any>): string[] {
  const rule = AWS_NAME_RULES[type];
  if (!rule) return [];
  const name = props[rule.nameProperty];
  const prefix = props[rule.prefixProperty];
  if (typeof name === "string") {
    if (name.length > rule.maxLength) return [`${rule.nameProperty} "${name}" is ${name.length} characters; AWS allows ${rule.maxLength}`];
    return rule.valid.test(name) ? [] : [`${rule.nameProperty} "${name}" has characters AWS does not allow`];
  }
  if (typeof prefix === "string") {
    const max = rule.maxLength - PREFIX_SUFFIX_LENGTH;
    if (prefix.length > max) return [`${rule.prefixProperty} "${prefix}" is ${prefix.length} characters; with the 26-character suffix AWS allows ${max}`];
    return rule.valid.test(`${prefix}0`) ? [] : [`${rule.prefixProperty} "${prefix}" has characters AWS does not allow`];
  }
  if (name !== undefined || prefix !== undefined) return []; // unknown until apply
  return autonameFits(rule, logicalName) ? [] : [`the autoname of "${logicalName}" (+8 characters) breaks AWS's limit of ${rule.maxLength} characters or its character set`];
}

/**
 * IAM CreateRole's Description: at most 1000 characters of tab, line feed, carriage return, printable ASCII
 * and Latin-1 (IAM API reference, roleDescriptionType); anything else fails the call with a ValidationError.
 */
const ROLE_DESCRIPTION = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]{0,1000}$/;

/** Violations of IAM's rules for a role's description. */
export function descriptionViolations(type: string, props: Record<string, any>): string[] {
  const description = props.description;
  if (type !== "aws:iam/role:Role" || typeof description !== "string" || ROLE_DESCRIPTION.test(description)) return [];
  return description.length > 1000
    ? [`description is ${description.length} characters; IAM allows 1000`]
    : [`description "${description}" has characters IAM rejects (only printable ASCII, Latin-1, tab and line breaks)`];
}
