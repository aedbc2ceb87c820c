import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, roleArnOf, type Statement } from "../../iam/documents";
import type { LinkedRole } from "../../iam/service-linked-role";

/** Image Builder assumes a role of exactly this name in every target account of a distribution. */
export const DISTRIBUTION_ROLE_NAME = "EC2ImageBuilderDistributionCrossAccountRole";

interface DistributionTarget {
    region: string;
    /** SSM parameters (in this account and region) the distribution writes the AMI id to. */
    parameterNames: string[];
}

export interface ImageDistributionRoleArgs {
    /** The fleet account that receives copies of the image. */
    accountId: string;
    buildAccountId: string;
    organizationId: string;
    /**
     * Alias of the build account's AMI keys (the same in every region), which encrypt the copies made
     * here. Named by alias, not ARN, so the document is known at preview (the key ids are random).
     */
    amiKeyAlias: string;
    targets: DistributionTarget[];
    /** AWSServiceRoleForImageBuilder of the build account (its resource when this program creates it). */
    imageBuilderRole: LinkedRole;
}

/**
 * What the copy into this account needs, instead of Ec2ImageBuilderCrossAccountDistributionAccess
 * (CopyImage, ModifyImageAttribute on "*"): image actions in the distribution regions only, the
 * build account's AMI key only through EC2, and the AMI-id parameters by name.
 */
function distributionStatements(args: ImageDistributionRoleArgs): Statement[] {
    const regions = [...new Set(args.targets.map(t => t.region))].sort();
    // A copy creates the image and its snapshots (their ARNs carry no account).
    const images = regions.flatMap(region => [`arn:aws:ec2:${region}::image/*`, `arn:aws:ec2:${region}::snapshot/*`]);
    const parameters = args.targets.flatMap(t =>
        t.parameterNames.map(name => `arn:aws:ssm:${t.region}:${args.accountId}:parameter${name.startsWith("/") ? name : `/${name}`}`),
    );
    const statements: Statement[] = [
        // DescribeImages has no resource-level permissions.
        { Sid: "FindImages", Effect: "Allow", Action: ["ec2:DescribeImages"], Resource: ["*"] },
        { Sid: "CopyAndTagImages", Effect: "Allow", Action: ["ec2:CopyImage", "ec2:CreateTags", "ec2:ModifyImageAttribute"], Resource: images },
        ...regions.flatMap((region): Statement[] => {
            const buildKeys = [`arn:aws:kms:${region}:${args.buildAccountId}:key/*`];
            const through = {
                "ForAnyValue:StringEquals": { "kms:ResourceAliases": args.amiKeyAlias },
                StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com` },
            };
            return [
                {
                    Sid: `UseBuildAmiKey${sidSuffix(region)}`,
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
                    Resource: buildKeys,
                    Condition: through,
                },
                {
                    Sid: `GrantBuildAmiKeyToEbs${sidSuffix(region)}`,
                    Effect: "Allow",
                    Action: ["kms:CreateGrant"],
                    Resource: buildKeys,
                    Condition: { ...through, Bool: { "kms:GrantIsForAWSResource": true } },
                },
            ];
        }),
    ];
    if (parameters.length > 0) {
        statements.push({ Sid: "PublishImageId", Effect: "Allow", Action: ["ssm:PutParameter"], Resource: parameters });
    }
    return statements;
}

/** eu-west-1 -> EuWest1: statement ids allow letters and digits only. */
function sidSuffix(region: string): string {
    return region
        .split("-")
        .map(part => part[0].toUpperCase() + part.slice(1))
        .join("");
}

/**
 * The fleet-account role Image Builder's distribution assumes to copy the image in: trusted only by the
 * build account's Image Builder service-linked role, inside the organisation.
 */
export class ImageDistributionRole extends pulumi.ComponentResource {
    readonly arn: string;

    constructor(name: string, args: ImageDistributionRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:fleet:ImageDistributionRole", name, {}, opts);
        if (args.targets.length === 0) {
            throw new Error(`ImageDistributionRole ${name}: no distribution target, so nothing would be copied into ${args.accountId}`);
        }
        this.arn = roleArnOf(args.accountId, DISTRIBUTION_ROLE_NAME);
        const role = new aws.iam.Role(
            name,
            {
                name: DISTRIBUTION_ROLE_NAME,
                description: `Lets Image Builder of ${args.buildAccountId} copy hardened images into this account`,
                assumeRolePolicy: policyDocument([
                    {
                        Sid: "ImageBuilderOfBuildAccount",
                        Effect: "Allow",
                        Principal: { AWS: args.imageBuilderRole.arn },
                        Action: ["sts:AssumeRole"],
                        Condition: { StringEquals: { "aws:PrincipalOrgID": args.organizationId } },
                    },
                ]),
            },
            // IAM rejects a trust policy naming a role that does not exist yet (cross-account too).
            { parent: this, dependsOn: args.imageBuilderRole.resource ? [args.imageBuilderRole.resource] : [] },
        );
        new aws.iam.RolePolicy(name, { role: role.name, policy: policyDocument(distributionStatements(args)) }, { parent: this });
        this.registerOutputs({ arn: this.arn });
    }
}
