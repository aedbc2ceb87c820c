import { memberRemediationTemplate, type MemberRemediationOptions } from "./member-remediation";

/**
 * The member-account baseline as a typed CloudFormation template: an AWS Config rule requiring the
 * data-protection bucket tags, optionally the Config recorder, and an EventBridge rule forwarding
 * Config compliance changes of S3 buckets to the security account's bus.
 */
export const REQUIRED_BUCKET_TAGS = { RequireMacieScan: ["True", "False"], BucketOwner: [] as string[] };

interface CfnResource {
    Type: string;
    Condition?: string;
    Properties: Record<string, unknown>;
    DependsOn?: string[];
}

export interface CfnTemplate {
    AWSTemplateFormatVersion: "2010-09-09";
    Description: string;
    Parameters: Record<string, { Type: string; AllowedValues?: string[]; Default?: string; Description: string }>;
    Conditions: Record<string, unknown>;
    Resources: Record<string, CfnResource>;
}

export interface BaselineOptions {
    environment: string;
    securityBusArn: string;
    bucketOwners: string[];
    /** The quarantine, release and investigation roles every member account needs for remediation. */
    remediation?: MemberRemediationOptions;
}

const SUB = (value: string) => ({ "Fn::Sub": value });

export function baselineTemplate(options: BaselineOptions): CfnTemplate {
    const forwarderRole = `lakewarden-${options.environment}-config-events-forwarder`;
    return {
        AWSTemplateFormatVersion: "2010-09-09",
        Description: `lakewarden ${options.environment} member baseline: required S3 bucket tags, compliance events to the security bus`,
        Parameters: {
            CreateConfigRecorder: {
                Type: "String",
                AllowedValues: ["true", "false"],
                Default: "false",
                Description: "Create an AWS Config recorder (false where Control Tower or another stack already records)",
            },
        },
        Conditions: { CreateRecorder: { "Fn::Equals": [{ Ref: "CreateConfigRecorder" }, "true"] } },
        Resources: {
            ConfigRecorderRole: {
                Type: "AWS::IAM::ServiceLinkedRole",
                Condition: "CreateRecorder",
                Properties: { AWSServiceName: "config.amazonaws.com" },
            },
            ConfigRecorder: {
                Type: "AWS::Config::ConfigurationRecorder",
                Condition: "CreateRecorder",
                DependsOn: ["ConfigRecorderRole"],
                Properties: {
                    RoleARN: SUB("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
                    RecordingGroup: { AllSupported: false, ResourceTypes: ["AWS::S3::Bucket"] },
                },
            },
            RequiredBucketTags: {
                Type: "AWS::Config::ConfigRule",
                Properties: {
                    ConfigRuleName: `lakewarden-${options.environment}-s3-required-tags`,
                    Description: "S3 buckets carry RequireMacieScan (True|False) and BucketOwner from the allowed list",
                    Scope: { ComplianceResourceTypes: ["AWS::S3::Bucket"] },
                    Source: { Owner: "AWS", SourceIdentifier: "REQUIRED_TAGS" },
                    InputParameters: {
                        tag1Key: "RequireMacieScan",
                        tag1Value: REQUIRED_BUCKET_TAGS.RequireMacieScan.join(","),
                        tag2Key: "BucketOwner",
                        tag2Value: [...options.bucketOwners].sort().join(","),
                    },
                },
            },
            ForwarderRole: {
                Type: "AWS::IAM::Role",
                Properties: {
                    RoleName: forwarderRole,
                    AssumeRolePolicyDocument: {
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "events.amazonaws.com" },
                                Action: "sts:AssumeRole",
                                Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
                            },
                        ],
                    },
                    Policies: [
                        {
                            PolicyName: "put-to-security-bus",
                            PolicyDocument: {
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: options.securityBusArn }],
                            },
                        },
                    ],
                },
            },
            ComplianceChangesToSecurity: {
                Type: "AWS::Events::Rule",
                Properties: {
                    Name: `lakewarden-${options.environment}-s3-tag-compliance`,
                    Description: "Config compliance changes of the required bucket tags, to the security account",
                    EventPattern: {
                        source: ["aws.config"],
                        "detail-type": ["Config Rules Compliance Change"],
                        detail: { configRuleName: [`lakewarden-${options.environment}-s3-required-tags`] },
                    },
                    Targets: [{ Id: "security-bus", Arn: options.securityBusArn, RoleArn: { "Fn::GetAtt": ["ForwarderRole", "Arn"] } }],
                },
            },
            ...(options.remediation ? memberRemediationTemplate(options.remediation) : {}),
        },
    };
}
