import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, keyUseStatement, policyDocument, roleArnOf, serviceTrust } from "../../iam/documents";
import { type AccountScope, resourceName } from "../../naming/resources";
import { childDependsOn } from "../../pulumi/resource-options";

export interface LocationRegistrationArgs {
    scope: AccountScope;
    /** Short label of what is registered (the zone): part of the role name. */
    label: string;
    bucketName: string;
    bucketArn: string;
    key: KeyRef;
}

/**
 * Registers a bucket with Lake Formation through a dedicated data-access role that can read and
 * write only that bucket and use only its key. No service-linked role (it cannot use a customer
 * key across accounts) and no hybrid access (IAM permissions would bypass the grants).
 */
export class LocationRegistration extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly resource: aws.lakeformation.Resource;

    constructor(name: string, args: LocationRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:lakeformation:LocationRegistration", name, {}, opts);
        const { accountId } = args.scope;
        const roleName = resourceName(args.scope.environment, "lf", args.label, "access");
        this.role = new aws.iam.Role(
            name,
            {
                name: roleName,
                description: `Lake Formation data access to ${args.bucketName}`,
                assumeRolePolicy: serviceTrust("lakeformation.amazonaws.com", accountId),
                maxSessionDuration: 3600,
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            name,
            {
                role: this.role.name,
                policy: policyDocument([
                    { Sid: "ListLocation", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [args.bucketArn] },
                    {
                        Sid: "ReadWriteLocation",
                        Effect: "Allow",
                        Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
                        Resource: [`${args.bucketArn}/*`],
                    },
                    keyUseStatement("UseLocationKey", args.scope, args.key, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "s3"),
                ]),
            },
            { parent: this },
        );
        this.resource = new aws.lakeformation.Resource(
            name,
            { arn: args.bucketArn, roleArn: roleArnOf(accountId, roleName), useServiceLinkedRole: false, hybridAccessEnabled: false },
            { parent: this, dependsOn: childDependsOn(opts, this.role, policy) },
        );
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
