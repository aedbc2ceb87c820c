/**
 * The identity policy of the remediation roles in member accounts, derived from the actions
 * the steps perform (steps.ts), so the role and the code cannot drift apart. The quarantine
 * role reads originals and writes only under the quarantine prefix; the release role reads
 * quarantine copies and writes only outside it. Each session narrows this further to one
 * object pair (session-policy.ts).
 */
import { stepActions, type StepKind } from "./steps";

export interface MemberRolePolicyArgs {
    partition: string;
    /** The member account holding the role and its buckets. */
    accountId: string;
    quarantinePrefix: string;
    /** Bucket names the role may act on; "*" for every bucket of the account. */
    buckets: readonly string[] | "*";
}

interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

const STEPS: StepKind[] = ["containment", "copy", "verify", "deleteSource", "abort"];

function unionOf(side: "bucket" | "source" | "target"): string[] {
    return [...new Set(STEPS.flatMap(step => stepActions(step)[side]))].sort();
}

export function memberRolePolicy(purpose: "quarantine" | "release", args: MemberRolePolicyArgs): PolicyDocument {
    const buckets = args.buckets === "*" ? ["*"] : [...args.buckets];
    const s3 = (suffix: string) => buckets.map(b => `arn:${args.partition}:s3:::${b}${suffix}`);
    const inQuarantine = s3(`/${args.quarantinePrefix}*`);
    const anywhere = s3("/*");
    const ownAccount = { StringEquals: { "aws:ResourceAccount": args.accountId } };
    // Quarantine: originals are the source, the quarantine prefix the target. Release: reversed.
    const [originals, copies] = purpose === "quarantine" ? [unionOf("source"), unionOf("target")] : [unionOf("target"), unionOf("source")];
    const writesNeverInQuarantine = purpose === "quarantine" ? ["s3:DeleteObject", "s3:DeleteObjectVersion"] : ["s3:PutObject", "s3:PutObjectTagging"];
    const dnsSuffix = args.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "Buckets", Effect: "Allow", Action: ["s3:ListBucket", ...unionOf("bucket")].sort(), Resource: s3(""), Condition: ownAccount },
            { Sid: "OriginalObjects", Effect: "Allow", Action: originals, Resource: anywhere, Condition: ownAccount },
            { Sid: "QuarantineCopies", Effect: "Allow", Action: copies, Resource: inQuarantine, Condition: ownAccount },
            {
                Sid: purpose === "quarantine" ? "NeverDeleteQuarantineCopies" : "NeverWriteIntoQuarantine",
                Effect: "Deny",
                Action: writesNeverInQuarantine,
                Resource: inQuarantine,
            },
            {
                Sid: "BucketKeysViaS3",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: [`arn:${args.partition}:kms:*:${args.accountId}:key/*`],
                Condition: { StringLike: { "kms:ViaService": `s3.*.${dnsSuffix}` } },
            },
        ],
    };
}
