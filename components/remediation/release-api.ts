/**
 * One IAM-authorised POST method (POST /releases by default): a regional REST API with IAM (SigV4)
 * authorisation whose resource policy lets only the caller roles invoke that one method, a Lambda
 * proxy integration, and a stage with access logs (caller ARN included) in a customer-key log group.
 * The scan stage's approval API (POST /runs/{runId}/decision) is the same component with its own path.
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
    /** The only roles that may invoke the method (resource policy; the handler checks them again). */
    callerRoleArns: string[];
    /** Short API name: lakewarden-<env>-<apiName>; release-api by default. */
    apiName?: string;
    /** Path segments of the method; a segment in braces is a path parameter. ["releases"] by default. */
    path?: string[];
    description?: string;
    /**
     * API Gateway writes access logs through one CloudWatch role per account and region (aws.apigateway.Account):
     * "create" (default) makes it here, otherwise pass the resource that made it, so the stage waits for it.
     */
    accountLogging?: "create" | pulumi.Resource;
}

const API_STAGE = "v1";

/** The method of the resource policy and the permission (any stage, path parameters as wildcards); API Gateway expands execute-api:/ to this API's ARN. */
function methodPattern(path: string[]): string {
    return `/*/POST/${path.map(segment => (/^\{.+\}$/.test(segment) ? "*" : segment)).join("/")}`;
}

function apiPolicyStatements(callerRoleArns: string[], path: string[]): Statement[] {
    const releasers = [...callerRoleArns].sort();
    return [
        {
            Sid: "ReleasersMayRelease",
            Effect: "Allow",
            Principal: { AWS: releasers },
            Action: ["execute-api:Invoke"],
            Resource: [`execute-api:${methodPattern(path)}`],
        },
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
    /** The method's URL with its path parameters as written: https://<api>.execute-api.<region>.amazonaws.com/v1/releases */
    readonly url: pulumi.Output<string>;
    /** The stage's invoke URL (https://<api>.execute-api.<region>.amazonaws.com/v1). */
    readonly stageUrl: pulumi.Output<string>;
    /** The account's API Gateway logging (made here or passed in): the account's other APIs wait for it. */
    readonly accountLogging: pulumi.Resource;

    constructor(name: string, args: ReleaseApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:remediation:ReleaseApi", name, {}, opts);
        const parent = { parent: this };
        const { accountId, region, environment } = args.scope;
        const path = args.path ?? ["releases"];
        if (path.length === 0) {
            throw new Error(`ReleaseApi ${name}: a path needs at least one segment`);
        }
        if (args.callerRoleArns.length === 0) {
            throw new Error(`ReleaseApi ${name}: no caller roles, nobody could invoke the method`);
        }
        const apiName = resourceName(environment, args.apiName ?? "release-api");
        this.restApi = new aws.apigateway.RestApi(
            name,
            {
                name: apiName,
                description: args.description ?? "Release of quarantined objects (SigV4, releaser roles only)",
                endpointConfiguration: { types: "REGIONAL" },
            },
            parent,
        );
        const apiPolicy = new aws.apigateway.RestApiPolicy(
            name,
            { restApiId: this.restApi.id, policy: policyDocument(apiPolicyStatements(args.callerRoleArns, path)) },
            parent,
        );
        // The last segment keeps the component's name (the release API's one resource keeps its URN).
        let parentId: pulumi.Input<string> = this.restApi.rootResourceId;
        let resource: aws.apigateway.Resource | undefined;
        path.forEach((pathPart, index) => {
            const resourceNameOf = index === path.length - 1 ? name : `${name}-${index}`;
            resource = new aws.apigateway.Resource(resourceNameOf, { restApi: this.restApi.id, parentId, pathPart }, parent);
            parentId = resource.id;
        });
        if (!resource) {
            throw new Error(`ReleaseApi ${name}: no resource`);
        }
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
                sourceArn: pulumi.interpolate`arn:aws:execute-api:${region}:${accountId}:${this.restApi.id}${methodPattern(path)}`,
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
        const logging =
            args.accountLogging === undefined || args.accountLogging === "create" ? apiGatewayAccountLogging(name, args.scope, this) : args.accountLogging;
        this.accountLogging = logging;
        const deployment = new aws.apigateway.Deployment(
            name,
            {
                restApi: this.restApi.id,
                description: `lakewarden ${apiName}`,
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
                stageName: API_STAGE,
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
        this.stageUrl = pulumi.interpolate`https://${this.restApi.id}.execute-api.${region}.amazonaws.com/${API_STAGE}`;
        this.url = pulumi.interpolate`${this.stageUrl}/${path.join("/")}`;
        this.registerOutputs({ url: this.url });
    }
}

/**
 * API Gateway writes access logs through the account's CloudWatch role (one per account and region), so
 * one API of an account creates it; its log delivery is held to lakewarden's API log groups of the environment.
 */
function apiGatewayAccountLogging(name: string, scope: AccountScope, parent: pulumi.Resource): aws.apigateway.Account {
    const { accountId, region, environment } = scope;
    const logGroupArn = `arn:aws:logs:${region}:${accountId}:log-group:/lakewarden/apigateway/${resourceName(environment, "*")}`;
    const role = new aws.iam.Role(
        `${name}-cloudwatch`,
        {
            name: resourceName(environment, "apigateway-logs"),
            description: "API Gateway access logging",
            assumeRolePolicy: serviceTrust("apigateway.amazonaws.com", accountId),
        },
        { parent },
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
        { parent },
    );
    return new aws.apigateway.Account(name, { cloudwatchRoleArn: role.arn }, { parent, dependsOn: [policy] });
}
