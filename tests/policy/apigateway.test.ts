import * as aws from "@pulumi/aws";
import { ACCOUNTS, find, type PlannedResource, resource, stack, typed } from "./helpers";
import { doc, ORG_CONFIG } from "./fixtures";
import { describePolicy } from "./harness";

const set = (name: string, props: Record<string, unknown>) => (r: PlannedResource[]) => {
    Object.assign(find(r, name).props, props);
};

describePolicy({
    policy: "apigateway-method-authorized",
    target: "get",
    compliant: () =>
        stack(
            typed(aws.apigateway.Method, "get", { restApi: "abc123", resourceId: "r1", httpMethod: "GET", authorization: "AWS_IAM" }),
            typed(aws.apigateway.Method, "cors", { restApi: "abc123", resourceId: "r1", httpMethod: "OPTIONS", authorization: "NONE" }),
            typed(aws.apigatewayv2.Route, "route", { apiId: "def456", routeKey: "POST /release", authorizationType: "AWS_IAM" }),
        ),
    violations: [
        { name: "an open method", mutate: set("get", { authorization: "NONE" }), expect: /authorization is NONE/ },
        { name: "an open route", mutate: set("route", { authorizationType: undefined }), expect: /authorizationType is NONE/, on: "route" },
    ],
    otherType: () => stack(resource("aws:apigateway/integration:Integration", "get", { httpMethod: "GET", authorization: "NONE" })),
    unknowns: [
        { resource: "get", violates: ["authorization"], allowed: ["restApi", "resourceId", "httpMethod"] },
        { resource: "route", violates: ["authorizationType"], allowed: ["apiId", "routeKey"] },
    ],
});

const VPCE = {
    Sid: "Vpce",
    Effect: "Allow",
    Principal: "*",
    Action: "execute-api:Invoke",
    Resource: "execute-api:/*",
    Condition: { StringEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } },
};
describePolicy({
    policy: "apigateway-resource-policy-scoped",
    target: "api-policy",
    config: ORG_CONFIG,
    compliant: () => stack(typed(aws.apigateway.RestApiPolicy, "api-policy", { restApiId: "abc123", policy: JSON.stringify(doc(VPCE)) })),
    violations: [
        {
            name: "an open API",
            mutate: set("api-policy", { policy: doc({ ...VPCE, Condition: undefined }) }),
            expect: /allows Principal "\*" with no condition/,
        },
        {
            name: "an outside account",
            mutate: set("api-policy", { policy: doc({ ...VPCE, Principal: { AWS: ACCOUNTS.stranger }, Condition: undefined }) }),
            expect: /999999999999/,
        },
        {
            name: "RestApi.policy",
            mutate: r => {
                r.push(typed(aws.apigateway.RestApi, "api", { name: "lw", policy: doc({ ...VPCE, Condition: undefined }) }));
            },
            expect: /allows Principal "\*"/,
            on: "api",
        },
    ],
    otherType: () => stack(resource("aws:apigateway/stage:Stage", "api-policy", { policy: doc({ ...VPCE, Condition: undefined }) })),
    unknowns: [{ resource: "api-policy", violates: ["policy"], allowed: ["restApiId"] }],
});
