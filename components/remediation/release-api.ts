/**
 * POST /releases: a regional REST API with IAM (SigV4) authorisation whose resource policy lets
 * only the releaser roles invoke that one method, a Lambda proxy integration, and a stage with
 * access logs (caller ARN included) in a customer-key log group.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BundledFunction } from "../compute/bundled-function";
import { type KeyRef, policyDocument, serviceTrust, type Statement } from "../../iam/documents";
import { logGroupUse } from "../../iam/key-use";
import { type AccountScope, resourceName } from "../../naming/resources";

export interface ReleaseApiArgs {
    scope: AccountScope;
    key: KeyRef;
    handler: BundledFunction;
    releaserRoleArns: string[];
}

const RELEASE_PATH = "releases";
const RELEASE_STAGE = "v1";
/** API Gateway expands execute-api:/ to this API's ARN when it stores the policy. */
const RELEASE_METHOD = `execute-api:/*/POST/${RELEASE_PATH}`;

function releaseApiPolicyStatements(releaserRoleArns: string[]): Statement[] {
    const releasers = [...releaserRoleArns].sort();
    return [
        { Sid: "ReleasersMayRelease", Effect: "Allow", Principal: { AWS: releasers }, Action: ["execute-api:Invoke"], Resource: [RELEASE_METHOD] },
        // Same-account identity policies would otherwise open the API to any role allowed execute-api:Invoke.
        {
            Sid: "NobodyElse",
            Effect: "Deny",
            Principal: "*",
            Action: ["execute-api:Invoke"],
            Resource: ["execute-api:/*"],
            Condition: { ArnNotLike: { "aws:PrincipalArn": releasers } },
        },
    ];
}

const ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    requestTime: "$context.requestTime",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    status: "$context.status",
    callerArn: "$context.identity.userArn",
    accountId: "$context.identity.accountId",
    sourceIp: "$context.identity.sourceIp",
    userAgent: "$context.identity.userAgent",
    error: "$context.error.message",
    integrationStatus: "$context.integration.status",
});

export class ReleaseApi extends pulumi.ComponentResource {
    readonly restApi: aws.apigateway.RestApi;
    readonly stage: aws.apigateway.Stage;
    /** https://<api>.execute-api.<region>.amazonaws.com/v1/releases */
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: ReleaseApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:remediation:ReleaseApi", name, {}, opts);
        const parent = { parent: this };
        const { accountId, region, environment } = args.scope;
        const apiName = resourceName(environment, "release-api");
        this.restApi = new aws.apigateway.RestApi(
            name,
            { name: apiName, description: "Release of quarantined objects (SigV4, releaser roles only)", endpointConfiguration: { types: "REGIONAL" } },
            parent,
        );
        const apiPolicy = new aws.apigateway.RestApiPolicy(
            name,
            { restApiId: this.restApi.id, policy: policyDocument(releaseApiPolicyStatements(args.releaserRoleArns)) },
            parent,
        );
        const resource = new aws.apigateway.Resource(name, { restApi: this.restApi.id, parentId: this.restApi.rootResourceId, pathPart: RELEASE_PATH }, parent);
        const method = new aws.apigateway.Method(
            name,
            { restApi: this.restApi.id, resourceId: resource.id, httpMethod: "POST", authorization: "AWS_IAM", apiKeyRequired: false },
            parent,
        );
        const integration = new aws.apigateway.Integration(
            name,
            {
                restApi: this.restApi.id,
                resourceId: resource.id,
                httpMethod: method.httpMethod,
                type: "AWS_PROXY",
                integrationHttpMethod: "POST",
                uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${args.handler.arn}/invocations`,
                timeoutMilliseconds: 15_000,
            },
            parent,
        );
        new aws.lambda.Permission(
            name,
            {
                function: args.handler.name,
                action: "lambda:InvokeFunction",
                principal: "apigateway.amazonaws.com",
                sourceArn: pulumi.interpolate`arn:aws:execute-api:${region}:${accountId}:${this.restApi.id}/*/POST/${RELEASE_PATH}`,
                sourceAccount: accountId,
            },
            { parent: this, dependsOn: [args.handler] },
        );
        args.key.allow(logGroupUse(args.scope, [`arn:aws:logs:${region}:${accountId}:log-group:/lakewarden/apigateway/${apiName}`]));
        const accessLogs = new aws.cloudwatch.LogGroup(
            name,
            { name: `/lakewarden/apigateway/${apiName}`, retentionInDays: 365, kmsKeyId: args.key.arn },
            parent,
        );
        const logging = this.cloudWatchRole(name, args.scope, `/lakewarden/apigateway/${apiName}`);
        const deployment = new aws.apigateway.Deployment(
            name,
            {
                restApi: this.restApi.id,
                description: "lakewarden release API",
                // A changed method, integration or resource policy needs a new deployment to take effect.
                triggers: { redeployment: pulumi.jsonStringify([resource.id, method.id, integration.id, apiPolicy.policy]) },
            },
            { parent: this, dependsOn: [method, integration, apiPolicy] },
        );
        this.stage = new aws.apigateway.Stage(
            name,
            {
                restApi: this.restApi.id,
                deployment: deployment.id,
                stageName: RELEASE_STAGE,
                xrayTracingEnabled: false,
                accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
            },
            { parent: this, dependsOn: [logging] },
        );
        new aws.apigateway.MethodSettings(
            name,
            {
                restApi: this.restApi.id,
                stageName: this.stage.stageName,
                methodPath: "*/*",
                settings: { metricsEnabled: true, throttlingBurstLimit: 10, throttlingRateLimit: 5 },
            },
            parent,
        );
        this.url = pulumi.interpolate`https://${this.restApi.id}.execute-api.${region}.amazonaws.com/${RELEASE_STAGE}/${RELEASE_PATH}`;
        this.registerOutputs({ url: this.url });
    }

    /** API Gateway writes access logs through the account's CloudWatch role (one per account and region). */
    private cloudWatchRole(name: string, scope: AccountScope, logGroupName: string): aws.apigateway.Account {
        const { accountId, region, environment } = scope;
        const logGroupArn = `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`;
        const role = new aws.iam.Role(
            `${name}-cloudwatch`,
            {
                name: resourceName(environment, "apigateway-logs"),
                description: "API Gateway access logging",
                assumeRolePolicy: serviceTrust("apigateway.amazonaws.com", accountId),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-cloudwatch`,
            {
                role: role.name,
                policy: policyDocument([
                    { Sid: "FindLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] },
                    {
                        Sid: "WriteAccessLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: [logGroupArn, `${logGroupArn}:*`],
                    },
                ]),
            },
            { parent: this },
        );
        return new aws.apigateway.Account(name, { cloudwatchRoleArn: role.arn }, { parent: this, dependsOn: [policy] });
    }
}
