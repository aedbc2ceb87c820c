import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, type PlannedResource, resource, stack, typed, setProps } from "./helpers";
import { bucketPart, bucketStack, CONSUMER_ROLE_ARN, doc, KEY_ARN, ORG_CONFIG, tlsOnlyStatement } from "./fixtures";
import { describePolicy } from "./harness";

const drop = (name: string) => (r: PlannedResource[]) => {
    r.splice(r.indexOf(find(r, name)), 1);
};
const otherTypes = () =>
    stack(
        resource("aws:dynamodb/table:Table", "raw", {
            bucket: "lw-raw",
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            blockPublicAcls: false,
            policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }),
        }),
    );
const bucketOnlyUnknowns = { resource: "raw", violates: [], allowed: ["bucket", "forceDestroy"] };

describePolicy({
    policy: "s3-bucket-sse-kms-cmk",
    target: "raw",
    compliant: () => stack(...bucketStack()),
    violations: [
        { name: "no encryption configuration", mutate: drop("raw-sse"), expect: /has no BucketServerSideEncryptionConfiguration/ },
        {
            name: "AES256, correlated by bucket name",
            mutate: r => {
                const sse = find(r, "raw-sse");
                sse.propertyDependencies = {};
                sse.props.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }];
            },
            expect: /sseAlgorithm is "?AES256"?, must be/,
        },
        {
            name: "the AWS-managed key",
            mutate: r => {
                setProps(find(r, "raw-sse"), aws.s3.BucketServerSideEncryptionConfiguration, {
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" }, bucketKeyEnabled: true }],
                });
            },
            expect: /AWS-managed key alias\/aws\/s3/,
        },
        {
            name: "SSE-KMS without a key",
            mutate: r => {
                setProps(find(r, "raw-sse"), aws.s3.BucketServerSideEncryptionConfiguration, {
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
                });
            },
            expect: /has no customer-managed KMS key/,
        },
        {
            name: "bucket keys off",
            mutate: r => {
                setProps(find(r, "raw-sse"), aws.s3.BucketServerSideEncryptionConfiguration, {
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: false }],
                });
            },
            expect: /bucketKeyEnabled is not true/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        bucketOnlyUnknowns,
        {
            resource: "raw-sse",
            violates: [
                "rules",
                "rules.0",
                "rules.0.applyServerSideEncryptionByDefault",
                "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm",
                "rules.0.bucketKeyEnabled",
            ],
            allowed: ["bucket", "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"],
        },
    ],
    configCases: [
        {
            name: "requireBucketKey false",
            config: { requireBucketKey: false },
            mutate: r => {
                setProps(find(r, "raw-sse"), aws.s3.BucketServerSideEncryptionConfiguration, {
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }],
                });
            },
            expect: "pass",
        },
    ],
});

describePolicy({
    policy: "s3-bucket-public-access-block",
    target: "raw",
    compliant: () => stack(...bucketStack()),
    violations: [
        { name: "no public access block", mutate: drop("raw-pab"), expect: /has no BucketPublicAccessBlock/ },
        {
            name: "restrictPublicBuckets false",
            mutate: r => {
                setProps(find(r, "raw-pab"), aws.s3.BucketPublicAccessBlock, { restrictPublicBuckets: false });
            },
            expect: /restrictPublicBuckets is false, must be true/,
        },
    ],
    otherType: otherTypes,
    unknowns: [bucketOnlyUnknowns, { resource: "raw-pab", violates: ["block*", "ignore*", "restrict*"], allowed: ["bucket"] }],
});

describePolicy({
    policy: "s3-bucket-tls-only-policy",
    target: "raw",
    compliant: () => stack(...bucketStack()),
    violations: [
        { name: "no bucket policy", mutate: drop("raw-policy"), expect: /has no bucket policy/ },
        {
            name: "a policy without the TLS deny",
            mutate: r => {
                setProps(find(r, "raw-policy"), aws.s3.BucketPolicy, {
                    policy: doc({
                        Effect: "Allow",
                        Principal: { AWS: CONSUMER_ROLE_ARN },
                        Action: "s3:GetObject",
                        Resource: "arn:aws:s3:::lw-raw/*",
                    }),
                });
            },
            expect: /no statement denies s3:\*/,
        },
        {
            name: "a TLS deny on objects only",
            mutate: r => {
                setProps(find(r, "raw-policy"), aws.s3.BucketPolicy, { policy: doc({ ...tlsOnlyStatement("raw"), Resource: "arn:aws:s3:::lw-raw/*" }) });
            },
            expect: /no statement denies s3:\*/,
        },
    ],
    otherType: otherTypes,
    unknowns: [
        bucketOnlyUnknowns,
        {
            resource: "raw-policy",
            violates: [
                "policy",
                "policy.Statement",
                "policy.Statement.0",
                "policy.Statement.0.Effect",
                "policy.Statement.0.Principal",
                "policy.Statement.0.Action",
                "policy.Statement.0.Condition*",
            ],
            allowed: ["bucket", "policy.Version", "policy.Statement.0.Sid", "policy.Statement.0.Resource*"],
        },
    ],
});

describePolicy({
    policy: "s3-bucket-ownership-enforced",
    target: "raw",
    compliant: () => stack(...bucketStack()),
    violations: [
        { name: "no ownership controls", mutate: drop("raw-ownership"), expect: /has no BucketOwnershipControls/ },
        {
            name: "ObjectWriter",
            mutate: r => {
                setProps(find(r, "raw-ownership"), aws.s3.BucketOwnershipControls, { rule: { objectOwnership: "ObjectWriter" } });
            },
            expect: /objectOwnership is "?ObjectWriter"?/,
        },
        {
            name: "a BucketAcl",
            mutate: r => {
                r.push(bucketPart("aws:s3/bucketAcl:BucketAcl", "raw-acl", "raw", { acl: "private" }));
            },
            expect: /has a BucketAcl/,
        },
        {
            name: "a public-read ACL on the bucket",
            mutate: r => {
                setProps(find(r, "raw"), aws.s3.Bucket, { acl: "public-read" });
            },
            expect: /sets acl public-read/,
        },
    ],
    otherType: otherTypes,
    unknowns: [bucketOnlyUnknowns, { resource: "raw-ownership", violates: ["rule", "rule.objectOwnership"], allowed: ["bucket"] }],
});

describePolicy({
    policy: "s3-bucket-versioning",
    target: "raw",
    compliant: () => stack(...bucketStack()),
    violations: [
        { name: "no versioning", mutate: drop("raw-versioning"), expect: /has no BucketVersioning/ },
        {
            name: "suspended",
            mutate: r => {
                setProps(find(r, "raw-versioning"), aws.s3.BucketVersioning, { versioningConfiguration: { status: "Suspended" } });
            },
            expect: /versioning status is "?Suspended"?/,
        },
    ],
    otherType: otherTypes,
    unknowns: [bucketOnlyUnknowns, { resource: "raw-versioning", violates: ["versioningConfiguration*"], allowed: ["bucket"] }],
});

describePolicy({
    policy: "s3-bucket-access-logging",
    target: "raw",
    compliant: () => stack(...bucketStack()),
    violations: [
        { name: "no access logging", mutate: drop("raw-logging"), expect: /has no BucketLogging and is not an access-log destination/ },
        {
            name: "logging to itself",
            mutate: r => {
                const l = find(r, "raw-logging");
                l.props.targetBucket = "lw-raw";
                l.propertyDependencies.targetBucket = [find(r, "raw").urn];
            },
            expect: /logs to itself/,
        },
    ],
    otherType: otherTypes,
    unknowns: [bucketOnlyUnknowns, { resource: "raw-logging", violates: [], allowed: ["bucket", "targetBucket", "targetPrefix"] }],
});

const consumerRead = {
    Sid: "ConsumerRead",
    Effect: "Allow",
    Principal: { AWS: CONSUMER_ROLE_ARN },
    Action: ["s3:GetObject"],
    Resource: "arn:aws:s3:::lw-raw/*",
};
const logDelivery = {
    Sid: "Logs",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: "arn:aws:s3:::lw-raw/*",
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNTS.producer } },
};
const setRawPolicy =
    (...statements: object[]) =>
    (r: PlannedResource[]) => {
        find(r, "raw-policy").props.policy = doc(tlsOnlyStatement("raw"), ...(statements as never[]));
    };
describePolicy({
    policy: "s3-bucket-policy-scoped-principals",
    target: "raw-policy",
    config: ORG_CONFIG,
    compliant: () => {
        const r = stack(...bucketStack());
        setRawPolicy(consumerRead, logDelivery)(r);
        return r;
    },
    violations: [
        {
            name: "Principal * without conditions",
            mutate: setRawPolicy({ ...consumerRead, Principal: "*" }),
            expect: /allows Principal "\*" with no condition/,
        },
        {
            name: "an account outside the environment",
            mutate: setRawPolicy({ ...consumerRead, Principal: { AWS: `arn:aws:iam::${ACCOUNTS.stranger}:root` } }),
            expect: /account 999999999999, which is not an account of this environment/,
        },
        {
            name: "an unpinned service principal",
            mutate: setRawPolicy({ ...logDelivery, Condition: undefined }),
            expect: /service principal logging.s3.amazonaws.com with no aws:SourceArn or aws:SourceAccount/,
        },
        { name: "s3:* to another account", mutate: setRawPolicy({ ...consumerRead, Action: "s3:*" }), expect: /grants s3:\* to principals outside/ },
    ],
    otherType: otherTypes,
    unknowns: [
        {
            resource: "raw-policy",
            violates: [
                "policy",
                "policy.Statement",
                "policy.Statement.*.Effect",
                "policy.Statement.1",
                "policy.Statement.2",
                "policy.Statement.1.Principal*",
                "policy.Statement.2.Principal*",
                "policy.Statement.1.Action*",
                "policy.Statement.2.Action*",
                "policy.Statement.2.Condition*",
                "policy.Statement.0",
            ],
            allowed: [
                "bucket",
                "policy.Version",
                "policy.Statement.*.Sid",
                "policy.Statement.*.Resource*",
                "policy.Statement.0.Principal",
                "policy.Statement.0.Action",
                "policy.Statement.0.Condition*",
            ],
        },
    ],
    configCases: [
        {
            name: "Principal * with aws:PrincipalOrgID of the configured organisation",
            config: {},
            mutate: setRawPolicy({ ...consumerRead, Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-lw0example1" } } }),
            expect: "pass",
        },
        {
            name: "the same without organizationId configured",
            config: {},
            replace: true,
            mutate: setRawPolicy({ ...consumerRead, Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-lw0example1" } } }),
            expect: /organizationId is not configured/,
        },
    ],
});

describePolicy({
    policy: "s3-account-public-access-block",
    target: "account-pab",
    compliant: () =>
        stack(
            typed(aws.s3.AccountPublicAccessBlock, "account-pab", {
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            }),
        ),
    violations: [
        {
            name: "ignorePublicAcls false",
            mutate: r => {
                setProps(find(r, "account-pab"), aws.s3.AccountPublicAccessBlock, { ignorePublicAcls: false });
            },
            expect: /ignorePublicAcls is false/,
        },
    ],
    otherType: () => stack(resource("aws:s3/bucketPublicAccessBlock2:Other", "x", { blockPublicAcls: false })),
    unknowns: [{ resource: "account-pab", violates: ["*"] }],
});
