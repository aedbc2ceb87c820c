// Input size limits that stop a deploy and that mocks never enforce. One row per limit, each
// naming where it comes from:
// - "provider": a validator of terraform-provider-aws (which pulumi-aws bridges); the provider
//   refuses the input at preview. Paths are in hashicorp/terraform-provider-aws.
// - "api": the AWS API refuses it at create/update; the provider passes it through, so only this
//   table catches it before the deploy.

export interface InputLimit {
    /** Resource type token; "aws:*" for every AWS resource. */
    type: string;
    /** Dotted property path; objects and JSON strings are read through, single-element lists too. */
    property: string;
    /** Maximum length; a function when it depends on other inputs (e.g. the SSM parameter tier). */
    max: number | ((props: Record<string, unknown>) => number);
    /** What is counted: characters of the value (JSON text for documents), or characters other than whitespace (IAM). */
    measure: "chars" | "nonWhitespace";
    enforcedBy: "provider" | "api";
    source: string;
}

const TF = "hashicorp/terraform-provider-aws";
const IAM_QUOTAS = 'IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas)';

export const INPUT_LIMITS: readonly InputLimit[] = [
    {
        type: "aws:imagebuilder/component:Component",
        property: "data",
        max: 16000,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/imagebuilder/component.go: data StringLenBetween(1, 16000)`,
    },
    {
        type: "aws:imagebuilder/component:Component",
        property: "description",
        max: 1024,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/imagebuilder/component.go: description StringLenBetween(1, 1024)`,
    },
    {
        type: "aws:imagebuilder/component:Component",
        property: "name",
        max: 126,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/imagebuilder/component.go: name StringLenBetween(1, 126)`,
    },
    {
        type: "aws:sfn/stateMachine:StateMachine",
        property: "definition",
        max: 1048576,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/sfn/state_machine.go: definition StringLenBetween(0, 1024*1024)`,
    },
    {
        type: "aws:sfn/stateMachine:StateMachine",
        property: "name",
        max: 80,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/sfn/state_machine.go: name StringLenBetween(1, 80)`,
    },
    {
        type: "aws:iam/role:Role",
        property: "name",
        max: 64,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/iam/role.go: roleNameMaxLen = 64`,
    },
    {
        type: "aws:iam/role:Role",
        property: "description",
        max: 1000,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/iam/role.go: description StringLenBetween(0, 1000)`,
    },
    {
        type: "aws:iam/role:Role",
        property: "path",
        max: 512,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/iam/role.go: path StringLenBetween(0, 512)`,
    },
    {
        type: "aws:iam/role:Role",
        property: "assumeRolePolicy",
        max: 2048,
        measure: "nonWhitespace",
        enforcedBy: "api",
        source: `${IAM_QUOTAS}: role trust policy length 2,048 characters (default quota)`,
    },
    {
        type: "aws:iam/rolePolicy:RolePolicy",
        property: "policy",
        max: 10240,
        measure: "nonWhitespace",
        enforcedBy: "api",
        source: `${IAM_QUOTAS}: role inline policies, aggregate 10,240 characters`,
    },
    {
        type: "aws:iam/policy:Policy",
        property: "policy",
        max: 6144,
        measure: "nonWhitespace",
        enforcedBy: "api",
        source: `${IAM_QUOTAS}: managed policy 6,144 characters`,
    },
    // The provider allows 140 (internal/service/lambda/validate.go validFunctionName, the ARN form); a bare name is 64.
    {
        type: "aws:lambda/function:Function",
        property: "name",
        max: 64,
        measure: "chars",
        enforcedBy: "api",
        source: "Lambda API Reference, CreateFunction: FunctionName, a bare function name is limited to 64 characters",
    },
    {
        type: "aws:lambda/function:Function",
        property: "handler",
        max: 128,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/lambda/function.go: handler StringLenBetween(1, 128)`,
    },
    {
        type: "aws:lambda/function:Function",
        property: "description",
        max: 256,
        measure: "chars",
        enforcedBy: "api",
        source: "Lambda API Reference, CreateFunction: Description, maximum length 256",
    },
    {
        type: "aws:ssm/parameter:Parameter",
        property: "name",
        max: 2048,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/ssm/parameter.go: name StringLenBetween(1, 2048)`,
    },
    {
        type: "aws:ssm/parameter:Parameter",
        property: "description",
        max: 1024,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/ssm/parameter.go: description StringLenBetween(0, 1024)`,
    },
    {
        type: "aws:ssm/parameter:Parameter",
        property: "allowedPattern",
        max: 1024,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/ssm/parameter.go: allowed_pattern StringLenBetween(0, 1024)`,
    },
    {
        type: "aws:ssm/parameter:Parameter",
        property: "value",
        max: props => (props.tier === "Advanced" ? 8192 : 4096),
        measure: "chars",
        enforcedBy: "api",
        source: "Systems Manager API Reference, PutParameter: Value, 4 KB (Standard tier) / 8 KB (Advanced tier); the provider has no validator on value",
    },
    {
        type: "aws:kms/key:Key",
        property: "description",
        max: 8192,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/kms/key.go: description StringLenBetween(0, 8192)`,
    },
    {
        type: "aws:kms/key:Key",
        property: "policy",
        max: 32768,
        measure: "chars",
        enforcedBy: "api",
        source: 'KMS Developer Guide, "Creating a key policy" (key policy format): up to 32 KB (32,768 bytes)',
    },
    {
        type: "aws:cloudwatch/eventTarget:EventTarget",
        property: "inputTransformer.inputTemplate",
        max: 8192,
        measure: "chars",
        enforcedBy: "provider",
        source: `${TF} internal/service/events/target.go: input_template StringLenBetween(0, 8192)`,
    },
    {
        type: "aws:sqs/queuePolicy:QueuePolicy",
        property: "policy",
        max: 8192,
        measure: "chars",
        enforcedBy: "api",
        source: 'SQS Developer Guide, "Amazon SQS policy quotas": 8,192 bytes',
    },
    {
        type: "aws:lakeformation/dataCellsFilter:DataCellsFilter",
        property: "tableData.rowFilter.filterExpression",
        max: 2048,
        measure: "chars",
        enforcedBy: "api",
        source: "Lake Formation API Reference, RowFilter: FilterExpression (PredicateString), maximum length 2048; the provider has no validator",
    },
];

/** Tag keys and values on every AWS resource ("Tagging AWS resources", tag naming limits). */
export const TAG_LIMITS = {
    key: 128,
    value: 256,
    source: 'Tagging AWS Resources User Guide, "Tag naming limits and requirements": key 128, value 256 Unicode characters',
} as const;

export function measure(value: unknown, how: InputLimit["measure"]): number {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return how === "nonWhitespace" ? text.replace(/\s/g, "").length : [...text].length;
}
