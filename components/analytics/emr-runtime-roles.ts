import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, keyUseStatement, policyDocument, roleArnOf, type Statement } from "../iam/documents";
import { type AccountScope, resourceName } from "../naming";

export interface EmrRuntimeRolesArgs {
    scope: AccountScope;
    /** Runtime role names (full IAM names) and the tables each reads: database -> producer catalog id. */
    roles: { roleName: string; description?: string; databases: { linkName: string; database: string; producerAccountId: string }[] }[];
    key: KeyRef;
    /** Bucket where EMR writes its logs (SSE-KMS). */
    logBucketArn: string;
}

/** The session tag EMR sets when it assumes a runtime role for Lake Formation. */
export const LF_SESSION_TAG = { key: "aws:RequestTag/LakeFormationAuthorizedCaller", value: "Amazon EMR" };

/**
 * EMR Studio runtime roles for Lake Formation: the cluster's instance role may assume a runtime
 * role only while tagging the session as Lake Formation's authorised caller; the security
 * configuration turns on application-scoped roles and the same session tag.
 */
export class EmrRuntimeRoles extends pulumi.ComponentResource {
    readonly instanceRole: aws.iam.Role;
    readonly runtimeRoles: aws.iam.Role[];
    readonly securityConfiguration: aws.emr.SecurityConfiguration;

    constructor(name: string, args: EmrRuntimeRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:analytics:EmrRuntimeRoles", name, {}, opts);
        const { accountId, environment } = args.scope;
        const instanceRoleName = resourceName(environment, "emr-instance");
        const instanceRoleArn = roleArnOf(accountId, instanceRoleName);
        const runtimeArns = args.roles.map((r) => roleArnOf(accountId, r.roleName));
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
                    { Sid: "AssumeRuntimeRoles", Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"], Resource: runtimeArns },
                    { Sid: "WriteClusterLogs", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${args.logBucketArn}/emr/*`] },
                    keyUseStatement("UseKeyForLogs", args.scope, args.key, ["kms:GenerateDataKey"], "s3"),
                ]),
            },
            { parent: this },
        );
        new aws.iam.InstanceProfile(`${name}-instance`, { name: instanceRoleName, role: this.instanceRole.name }, { parent: this });
        this.runtimeRoles = args.roles.map((role) => {
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
            new aws.iam.RolePolicy(`${name}-${role.roleName}`, { role: runtime.name, policy: policyDocument(runtimePermissions(args.scope, role.databases)) }, { parent: this });
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
    const catalogResources = databases.flatMap((d) => [
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
