import * as aws from "@pulumi/aws";
import { find, stack, typed } from "./helpers";
import { KEY_ARN } from "./fixtures";
import { describeCustomerKeyPolicy } from "./customer-key-case";
import { describePolicy } from "./harness";

describeCustomerKeyPolicy({
    policy: "macie-export-kms-cmk",
    type: "aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration",
    props: () => ({ s3Destination: { bucketName: "lw-macie-results", keyPrefix: "findings/", kmsKeyArn: KEY_ARN } }),
    keyPath: ["s3Destination", "kmsKeyArn"],
    awsManagedAlias: "alias/aws/s3",
});

describePolicy({
    policy: "macie-account-enabled",
    target: "macie",
    compliant: () => stack(typed(aws.macie2.Account, "macie", { status: "ENABLED", findingPublishingFrequency: "FIFTEEN_MINUTES" })),
    violations: [
        {
            name: "paused",
            mutate: r => {
                find(r, "macie").props.status = "PAUSED";
            },
            expect: /status is "?PAUSED"?/,
        },
    ],
    otherType: () => stack(typed(aws.macie2.Member, "macie", { status: "PAUSED" })),
    unknowns: [{ resource: "macie", violates: ["status"], allowed: ["findingPublishingFrequency"] }],
});
