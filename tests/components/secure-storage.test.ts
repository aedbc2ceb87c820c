import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { CustomerKey, keyPolicyStatements } from "../../components/kms/customer-key";
import { SecureBucket } from "../../components/storage/secure-bucket";
import { ofType, recordComponent, type Recording } from "../helpers/program";
import { type PolicyDoc } from "../helpers/documents";

const scope = { environment: "test", accountId: "777788889999", region: "eu-west-1" };

function build(): void {
    const provider = new aws.Provider("acct", { region: "eu-west-1", allowedAccountIds: [scope.accountId] });
    const key = new CustomerKey("data", { scope, purpose: "data", description: "d", viaServices: ["s3"] }, { provider });
    const logs = new SecureBucket("logs", { scope, purpose: "access-logs", key, receivesAccessLogs: true }, { provider });
    new SecureBucket("raw", { scope, purpose: "raw", key, accessLogBucket: logs.bucket.id }, { provider });
}

describe("CustomerKey and SecureBucket", () => {
    let recording: Recording;
    before(async () => {
        recording = await recordComponent(build);
    });

    it("rotates the key and never lets its policy use kms:*", () => {
        const [key] = ofType(recording, "aws:kms/key:Key");
        assert.equal(key.props.enableKeyRotation, true);
        assert.equal(key.props.bypassPolicyLockoutSafetyCheck, false);
        const doc = JSON.parse(String(key.props.policy)) as PolicyDoc;
        assert.ok(doc.Statement.every(s => s.Action.every(a => a !== "kms:*" && a !== "*")));
        const use = doc.Statement.find(s => s.Sid === "UseThroughServicesInAccount");
        assert.deepEqual(use?.Condition?.StringEquals, { "kms:CallerAccount": scope.accountId, "kms:ViaService": ["s3.eu-west-1.amazonaws.com"] });
    });

    it("gives external accounts the key only through named services and grants only for AWS resources", () => {
        const statements = keyPolicyStatements(scope, {
            viaServices: [],
            uses: [
                {
                    sid: "ImageBuilder",
                    principal: { service: "imagebuilder.amazonaws.com" },
                    actions: ["kms:Decrypt"],
                    conditions: { StringEquals: { "aws:SourceAccount": scope.accountId } },
                    source: "test",
                },
            ],
            externalAccounts: [{ accountIds: ["123456789012"], viaServices: ["ec2"], allowGrantsForAwsResources: true }],
        });
        const grants = statements.find(s => s.Sid === "ExternalAccountGrants0");
        assert.deepEqual(grants?.Condition?.Bool, { "kms:GrantIsForAWSResource": true });
        assert.ok(!statements.some(s => s.Sid === "UseThroughServicesInAccount"));
    });

    it("refuses a key nothing could use", () => {
        assert.throws(() => keyPolicyStatements(scope, { viaServices: [], uses: [], externalAccounts: [] }), /no use declared/);
    });

    it("splits every bucket into the guarded S3 resources, all pointing at their bucket", () => {
        const buckets = ofType(recording, "aws:s3/bucket:Bucket");
        assert.deepEqual(buckets.map(b => b.props.bucket).sort(), ["lw-test-777788889999-eu-west-1-access-logs", "lw-test-777788889999-eu-west-1-raw"]);
        for (const type of [
            "BucketServerSideEncryptionConfiguration",
            "BucketPublicAccessBlock",
            "BucketOwnershipControls",
            "BucketVersioning",
            "BucketPolicy",
        ]) {
            const token = `aws:s3/${type[0].toLowerCase()}${type.slice(1)}:${type}`;
            assert.equal(ofType(recording, token).length, 2, token);
        }
        for (const sse of ofType(recording, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
            const [rule] = sse.props.rules as {
                applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string };
                bucketKeyEnabled: boolean;
            }[];
            assert.equal(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
            assert.match(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, /^arn:aws:kms:eu-west-1:777788889999:key\//);
            assert.equal(rule.bucketKeyEnabled, true);
        }
        for (const pab of ofType(recording, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")) {
            assert.deepEqual(
                [pab.props.blockPublicAcls, pab.props.blockPublicPolicy, pab.props.ignorePublicAcls, pab.props.restrictPublicBuckets],
                [true, true, true, true],
            );
        }
    });

    it("denies insecure transport and lets only S3 log delivery of this account write logs", () => {
        const policies = ofType(recording, "aws:s3/bucketPolicy:BucketPolicy").map(p => JSON.parse(String(p.props.policy)) as PolicyDoc);
        for (const doc of policies) {
            const tls = doc.Statement.find(s => s.Sid === "DenyInsecureTransport");
            assert.deepEqual(tls?.Condition, { Bool: { "aws:SecureTransport": false } });
        }
        const delivery = policies.flatMap(d => d.Statement).filter(s => s.Sid === "AllowAccessLogDelivery");
        assert.equal(delivery.length, 1);
        assert.deepEqual(delivery[0].Condition, {
            StringEquals: { "aws:SourceAccount": scope.accountId },
            ArnLike: { "aws:SourceArn": "arn:aws:s3:::lw-test-777788889999-eu-west-1-*" },
        });
        const [logging] = ofType(recording, "aws:s3/bucketLogging:BucketLogging");
        assert.equal(logging.props.targetBucket, "lw-test-777788889999-eu-west-1-access-logs");
        assert.equal(logging.props.targetPrefix, "raw/");
    });

    it("says which arguments clash", () => {
        assert.throws(
            () =>
                new SecureBucket("bad", {
                    scope,
                    purpose: "bad",
                    key: {
                        arn: "k",
                        aliasName: "alias/k",
                        allow() {
                            throw new Error("unused");
                        },
                    },
                    accessLogBucket: "l",
                    receivesAccessLogs: true,
                }),
            /accessLogBucket and receivesAccessLogs clash/,
        );
    });
});
