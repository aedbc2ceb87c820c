import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../../pulumi/resource-options";
import { type BaselineOptions, baselineTemplate } from "../../cloudformation/member-baseline";

export interface MemberBaselineArgs extends BaselineOptions {
    targetOus: string[];
    regions: string[];
    existingConfigRecorder: boolean;
}

/**
 * The member baseline as a service-managed StackSet with automatic deployment to the target OUs,
 * so accounts created or moved there later receive it too.
 */
export class MemberBaseline extends pulumi.ComponentResource {
    readonly stackSet: aws.cloudformation.StackSet;

    constructor(name: string, args: MemberBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:governance:MemberBaseline", name, {}, opts);
        this.stackSet = new aws.cloudformation.StackSet(
            name,
            {
                name: `lakewarden-${args.environment}-member-baseline`,
                description: "lakewarden member baseline: required S3 bucket tags and compliance events",
                permissionModel: "SERVICE_MANAGED",
                autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
                capabilities: ["CAPABILITY_NAMED_IAM"],
                callAs: "SELF",
                operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: "PARALLEL" },
                parameters: { CreateConfigRecorder: String(!args.existingConfigRecorder) },
                templateBody: JSON.stringify(baselineTemplate(args)),
            },
            { parent: this, ignoreChanges: ["administrationRoleArn"], dependsOn: childDependsOn(opts) },
        );
        for (const region of args.regions) {
            new aws.cloudformation.StackSetInstance(
                `${name}-${region}`,
                {
                    stackSetName: this.stackSet.name,
                    deploymentTargets: { organizationalUnitIds: [...args.targetOus].sort() },
                    stackSetInstanceRegion: region,
                    callAs: "SELF",
                },
                // The instances create the member roles, whose trust names the principals this component waits for.
                { parent: this, dependsOn: childDependsOn(opts) },
            );
        }
        this.registerOutputs({ stackSetName: this.stackSet.name });
    }
}
