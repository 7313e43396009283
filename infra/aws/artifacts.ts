import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { upstreamImages } from "../config/images";
import type { StackSpec } from "../config/spec";
import { cachedImages, mirroredImage, weightsBucketPrefix, type CachedImage } from "./artifacts-plan";
import { podIdentity } from "./iam";
import { named, type Tags } from "./tags";

/** vLLM's service account: EKS Pod Identity gives it read access to the weights bucket. */
export const VLLM_SERVICE_ACCOUNT = "vllm";

export interface ArtifactsArgs {
  readonly spec: StackSpec;
  readonly clusterName: string;
  readonly cluster: pulumi.Output<string>;
  /** The node role (its ARN, from a node group): it pulls through the caches. */
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly namespace: string;
  readonly tags: Tags;
}

/**
 * What the cluster pulls besides what EKS provides: with egress none, an ECR pull-through cache rule per
 * upstream registry and the cached repositories (created here, so `pulumi destroy` deletes them and their
 * images), and with weightsSource s3, the weights bucket and vLLM's read-only access to it.
 */
export class Artifacts extends pulumi.ComponentResource {
  /** Upstream image reference → the reference the cluster pulls (unchanged with NAT egress). */
  readonly images = new Map<string, pulumi.Input<string>>();
  readonly weightsBucket?: aws.s3.Bucket;
  /** Resources pods need before they start: cache rules and repositories, the pod identity. */
  readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: ArtifactsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:aws:Artifacts", name, {}, opts);
    const { spec } = args;
    if (spec.network.egress === "none") this.pullThroughCaches(name, args);
    if (spec.inference.weightsSource === "s3") this.weightsBucket = this.weights(name, args);
    this.registerOutputs({ weightsBucket: this.weightsBucket?.bucket });
  }

  /** The reference to pull for an upstream image. */
  imageFor(upstream: string): pulumi.Input<string> {
    return this.images.get(upstream) ?? upstream;
  }

  private pullThroughCaches(name: string, args: ArtifactsArgs): void {
    const parent = { parent: this };
    const { spec, tags } = args;
    const cached = cachedImages(spec.stack, spec.inference.image, spec.placement.region);
    const rules = new Map<string, aws.ecr.PullThroughCacheRule>();
    for (const image of cached) {
      if (rules.has(image.prefix)) continue;
      const credential = image.registry.credentialKey ? spec.network.registries[image.registry.credentialKey] : undefined;
      rules.set(image.prefix, new aws.ecr.PullThroughCacheRule(`${name}-cache-${image.registry.key}`, {
        ecrRepositoryPrefix: image.prefix,
        upstreamRegistryUrl: image.registry.upstreamUrl,
        ...(credential ? { credentialArn: credential } : {}),
      }, parent));
    }
    const repositories = cached.map((image) => this.cacheRepository(name, image, rules.get(image.prefix)!, tags));
    cached.forEach((image, i) => this.images.set(image.upstream, pulumi.interpolate`${repositories[i]!.repositoryUrl}:${image.tag}`));
    for (const { image } of upstreamImages(spec.inference.image)) {
      const mirrored = mirroredImage(image, spec.network.registries);
      if (mirrored) this.images.set(image, mirrored);
    }

    // The first pull of each image imports it from upstream: the node role needs BatchImportUpstreamImage on
    // the cached repositories (pulls themselves are in the AmazonEC2ContainerRegistryPullOnly policy).
    const roleName = args.nodeRoleArn.apply((arn) => arn.slice(arn.lastIndexOf("/") + 1));
    const policy = new aws.iam.Policy(`${name}-image-import`, {
      description: `Nodes of ${args.clusterName} import upstream images into the stack's pull-through cache repositories`,
      policy: pulumi.output(repositories.map((r) => r.arn)).apply((arns) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "ImportUpstreamImages", Effect: "Allow", Action: ["ecr:BatchImportUpstreamImage"], Resource: arns }],
      })),
      tags: named(tags, `${name}-image-import`),
    }, parent);
    const attachment = new aws.iam.RolePolicyAttachment(`${name}-image-import`, { role: roleName, policyArn: policy.arn }, parent);
    this.ready.push(...rules.values(), ...repositories, attachment);
  }

  private cacheRepository(name: string, image: CachedImage, rule: aws.ecr.PullThroughCacheRule, tags: Tags): aws.ecr.Repository {
    const id = `${name}-cache-${image.cacheRepository.slice(image.prefix.length + 1).replace(/[^a-z0-9]+/g, "-")}`;
    return new aws.ecr.Repository(id, {
      name: image.cacheRepository,
      // Pull-through cache keeps tags in sync only while they stay mutable.
      imageTagMutability: "MUTABLE",
      encryptionConfigurations: [{ encryptionType: "AES256" }],
      // The cache fills it on first pull, outside Pulumi: delete the images with the repository.
      forceDelete: true,
      tags: named(tags, id),
    }, { parent: this, dependsOn: [rule] });
  }

  /** A private, encrypted bucket for the checkpoint, and vLLM's read access to its prefix through Pod Identity. */
  private weights(name: string, args: ArtifactsArgs): aws.s3.Bucket {
    const parent = { parent: this };
    const { spec, tags } = args;
    const bucket = new aws.s3.Bucket(`${name}-weights`, {
      bucketPrefix: weightsBucketPrefix(spec.stack),
      // The weights are copied in outside Pulumi (a cache of a public checkpoint): `pulumi destroy` empties the
      // bucket instead of failing on it, and a re-created trial finds no leftover.
      forceDestroy: true,
      tags: named(tags, `${name}-weights`),
    }, parent);
    const bucketParent = { parent: this, dependsOn: [bucket] };
    new aws.s3.BucketPublicAccessBlock(`${name}-weights`, {
      bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, bucketParent);
    new aws.s3.BucketOwnershipControls(`${name}-weights`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, bucketParent);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-weights`, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }, bucketParent);
    new aws.s3.BucketPolicy(`${name}-weights`, {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
      })),
    }, bucketParent);

    this.ready.push(podIdentity(`${name}-vllm`, {
      cluster: args.cluster,
      namespace: args.namespace,
      serviceAccount: VLLM_SERVICE_ACCOUNT,
      // No prefix here: it is unbounded, and IAM takes 1000 Latin-1 characters (the policy names the prefix).
      description: `vLLM (${args.namespace}/${VLLM_SERVICE_ACCOUNT}) reads its checkpoint from the weights bucket of ${args.clusterName}`,
      policy: bucket.arn.apply((arn) => weightsReadPolicy(arn, spec.inference.weightsPrefix)),
      policyDescription: `Read the checkpoint in the weights bucket of ${args.clusterName}`,
      tags,
    }, this));
    return bucket;
  }
}

/** Read-only access to one checkpoint: list its prefix, get its objects (HeadObject is covered by GetObject). */
export function weightsReadPolicy(bucketArn: string, prefix: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadCheckpoint", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucketArn}/${prefix}/*` },
      {
        Sid: "ListCheckpoint",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: bucketArn,
        Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}/*`] } },
      },
    ],
  });
}
