// Classification of KMS key references: customer-managed keys are referenced by key ARN or by an
// alias ARN of our own aliases; AWS-managed aliases (alias/aws/*) and service-owned keys never.
import { isUnknown } from "./unknown";

type KeyRefKind = "absent" | "unknown" | "key-arn" | "alias-arn" | "aws-managed" | "not-an-arn";

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-)?[0-9a-f-]{32,36}$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/(.+)$/;

function classifyKeyRef(value: unknown): KeyRefKind {
    if (value === undefined || value === null || value === "") {
        return "absent";
    }
    if (isUnknown(value)) {
        // An ARN that is an output of a key created in this program: checked again at update.
        return "unknown";
    }
    if (typeof value !== "string") {
        return "not-an-arn";
    }
    if (/(^|:)alias\/aws\//.test(value)) {
        return "aws-managed";
    }
    if (KEY_ARN.test(value)) {
        return "key-arn";
    }
    if (ALIAS_ARN.test(value)) {
        return "alias-arn";
    }
    return "not-an-arn";
}

/** A violation message for a key reference that is not a customer-managed key ARN, else undefined. */
export function keyRefProblem(value: unknown, what: string): string | undefined {
    switch (classifyKeyRef(value)) {
        case "absent":
            return `${what} has no customer-managed KMS key`;
        case "aws-managed":
            return `${what} uses the AWS-managed key ${String(value)}; use a customer-managed key ARN`;
        case "not-an-arn":
            return `${what} references the KMS key as ${JSON.stringify(value)}; use the ARN of a customer-managed key (or of its alias)`;
        default:
            return undefined;
    }
}
