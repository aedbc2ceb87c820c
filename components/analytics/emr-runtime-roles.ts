import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, keyUseStatement, policyDocument, roleArnOf, type Statement } from "../../iam/documents";
import { USE_ACTIONS } from "../../iam/key-use";
import { type AccountScope, resourceName } from "../../naming/resources";

export interface EmrRuntimeRolesArgs {
    scope: AccountScope;
    /** Runtime role names (full IAM names) and the tables each reads: database -> producer catalog id. */
    roles: { roleName: string; description?: string; databases: { linkName: string; database: string; producerAccountId: string }[] }[];
    key: KeyRef;
    /** Bucket where EMR writes its logs (SSE-KMS). */
    logBucketArn: string;
}

/** The session tag EMR sets when it assumes a runtime role for Lake Formation. */
const LF_SESSION_TAG = { key: "aws:RequestTag/LakeFormationAuthorizedCaller", value: "Amazon EMR" };

/**
 * EMR Studio runtime roles for Lake Formation: the cluster's instance role may assume a runtime
 * role only while tagging the session as Lake Formation's authorised caller; the security
 * configuration turns on application-scoped roles and the same session tag.
 */
export class EmrRuntimeRoles extends pulumi.ComponentResource {
    readonly instanceRole: aws.iam.Role;
    readonly serviceRole: aws.iam.Role;
    readonly runtimeRoles: aws.iam.Role[];
    readonly securityConfiguration: aws.emr.SecurityConfiguration;

    constructor(name: string, args: EmrRuntimeRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:analytics:EmrRuntimeRoles", name, {}, opts);
        const { accountId, environment } = args.scope;
        const instanceRoleName = resourceName(environment, "emr-instance");
        const instanceRoleArn = roleArnOf(accountId, instanceRoleName);
        const runtimeArns = args.roles.map(r => roleArnOf(accountId, r.roleName));
        this.instanceRole = new aws.iam.Role(
            `${name}-instance`,
            {
                name: instanceRoleName,
                description: "EMR cluster instance role: assumes runtime roles on behalf of Studio Workspaces",
                assumeRolePolicy: policyDocument([
                    {
                        Sid: "TrustEc2",
                        Effect: "Allow",
                        Principal: { Service: "ec2.amazonaws.com" },
                        Action: ["sts:AssumeRole"],
                        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                    },
                ]),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-instance`,
            {
                role: this.instanceRole.name,
                policy: policyDocument([
                    {
                        Sid: "AssumeRuntimeRoles",
                        Effect: "Allow",
                        Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
                        Resource: runtimeArns,
                    },
                    { Sid: "WriteClusterLogs", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${args.logBucketArn}/emr/*`] },
                    keyUseStatement("UseKeyForLogs", args.scope, args.key, ["kms:GenerateDataKey"], "s3"),
                ]),
            },
            { parent: this },
        );
        new aws.iam.InstanceProfile(`${name}-instance`, { name: instanceRoleName, role: this.instanceRole.name }, { parent: this });
        const serviceRoleName = resourceName(environment, "emr-service");
        this.serviceRole = new aws.iam.Role(
            `${name}-service`,
            {
                name: serviceRoleName,
                description: "EMR service role: provisions the clusters that use the security configuration",
                assumeRolePolicy: policyDocument([
                    {
                        Sid: "TrustEmr",
                        Effect: "Allow",
                        Principal: { Service: "elasticmapreduce.amazonaws.com" },
                        Action: ["sts:AssumeRole"],
                        Condition: {
                            StringEquals: { "aws:SourceAccount": accountId },
                            ArnLike: { "aws:SourceArn": `arn:aws:elasticmapreduce:${args.scope.region}:${accountId}:*` },
                        },
                    },
                ]),
            },
            { parent: this },
        );
        // The managed service policy EMR documents for its service role (tag-scoped writes, no FullAccess).
        new aws.iam.RolePolicyAttachment(
            `${name}-service`,
            { role: this.serviceRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2" },
            { parent: this },
        );
        // Local-disk encryption runs on the instances (instance profile role); EBS encryption is set up by EMR with
        // its service role: both must be key users (EMR Management Guide, "Encryption options").
        const keyUsers = { aws: [instanceRoleArn, roleArnOf(accountId, serviceRoleName)] };
        const emrSource = "Amazon EMR Management Guide, Encryption options (local disk and EBS: the instance profile and service role as key users)";
        args.key
            .allow({
                sid: "EmrClusterEncryption",
                principal: keyUsers,
                actions: USE_ACTIONS,
                source: emrSource,
                principalResources: [this.instanceRole, this.serviceRole],
            })
            .allow({
                sid: "EmrClusterVolumeGrants",
                principal: keyUsers,
                actions: ["kms:CreateGrant"],
                conditions: { Bool: { "kms:GrantIsForAWSResource": true } },
                source: emrSource,
                principalResources: [this.instanceRole, this.serviceRole],
            });
        this.runtimeRoles = args.roles.map(role => {
            const runtime = new aws.iam.Role(
                `${name}-${role.roleName}`,
                {
                    name: role.roleName,
                    description: role.description ?? "EMR Studio runtime role (Lake Formation)",
                    assumeRolePolicy: policyDocument([
                        {
                            Sid: "EmrInstanceRoleWithLakeFormationTag",
                            Effect: "Allow",
                            Principal: { AWS: instanceRoleArn },
                            Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
                            Condition: { StringEquals: { [LF_SESSION_TAG.key]: LF_SESSION_TAG.value } },
                        },
                    ]),
                },
                { parent: this, dependsOn: [this.instanceRole] },
            );
            new aws.iam.RolePolicy(
                `${name}-${role.roleName}`,
                { role: runtime.name, policy: policyDocument(runtimePermissions(args.scope, role.databases)) },
                { parent: this },
            );
            return runtime;
        });
        this.securityConfiguration = new aws.emr.SecurityConfiguration(
            name,
            {
                name: resourceName(environment, "emr-lakeformation"),
                configuration: pulumi.jsonStringify({
                    AuthorizationConfiguration: {
                        IAMConfiguration: {
                            EnableApplicationScopedIAMRole: true,
                            ApplicationScopedIAMRoleConfiguration: { PropagateSourceIdentity: true },
                        },
                        LakeFormationConfiguration: { AuthorizedSessionTagValue: LF_SESSION_TAG.value },
                    },
                    EncryptionConfiguration: {
                        EnableInTransitEncryption: false,
                        EnableAtRestEncryption: true,
                        AtRestEncryptionConfiguration: {
                            S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: args.key.arn },
                            LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: args.key.arn, EnableEbsEncryption: true },
                        },
                    },
                }),
            },
            { parent: this },
        );
        this.registerOutputs({ runtimeRoleArns: runtimeArns });
    }
}

/** Catalog reads through the link and its target; data itself comes from Lake Formation credential vending. */
function runtimePermissions(scope: AccountScope, databases: EmrRuntimeRolesArgs["roles"][number]["databases"]): Statement[] {
    const glue = (account: string, kind: string, path: string) => `arn:aws:glue:${scope.region}:${account}:${kind}/${path}`;
    const catalogResources = databases.flatMap(d => [
        `arn:aws:glue:${scope.region}:${scope.accountId}:catalog`,
        glue(scope.accountId, "database", d.linkName),
        glue(scope.accountId, "table", `${d.linkName}/*`),
        `arn:aws:glue:${scope.region}:${d.producerAccountId}:catalog`,
        glue(d.producerAccountId, "database", d.database),
        glue(d.producerAccountId, "table", `${d.database}/*`),
    ]);
    return [
        { Sid: "LakeFormationCredentialVending", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: ["*"] },
        {
            Sid: "ReadSharedCatalog",
            Effect: "Allow",
            Action: ["glue:GetDatabase", "glue:GetDatabases", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"],
            Resource: [...new Set(catalogResources)].sort(),
        },
    ];
}
