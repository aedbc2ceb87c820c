import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceLinkedRoleArn } from "./key-use";

/** The service-linked roles lakewarden names as principals, by the service that owns them. */
const SERVICE_LINKED_ROLES = {
    "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling",
    "imagebuilder.amazonaws.com": "AWSServiceRoleForImageBuilder",
    "macie.amazonaws.com": "AWSServiceRoleForAmazonMacie",
} as const;

export type LinkedService = keyof typeof SERVICE_LINKED_ROLES;

export interface LinkedRole {
    arn: string;
    /** The resource creating it, when this program creates it; absent when the account model declares it present. */
    resource?: aws.iam.ServiceLinkedRole;
}

/**
 * A service-linked role lakewarden names in a policy. A fresh account has none until the service is first
 * used (IAM User Guide, "Using service-linked roles"), and a policy naming a missing role is rejected, so the
 * program creates it (aws.iam.ServiceLinkedRole) unless the account's `existingServiceLinkedRoles` says it
 * exists already (CreateServiceLinkedRole fails on an existing role).
 */
export function linkedRole(
    name: string,
    account: { id: string; existingServiceLinkedRoles: string[] },
    service: LinkedService,
    opts: pulumi.CustomResourceOptions,
): LinkedRole {
    const arn = serviceLinkedRoleArn(account.id, service, SERVICE_LINKED_ROLES[service]);
    if (account.existingServiceLinkedRoles.includes(service)) {
        return { arn };
    }
    return {
        arn,
        resource: new aws.iam.ServiceLinkedRole(name, { awsServiceName: service, description: "Created by lakewarden: named by its policies" }, opts),
    };
}
