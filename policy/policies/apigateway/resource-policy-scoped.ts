import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";

export const apigatewayResourcePolicyScoped = scopedResourcePolicy({
    name: "apigateway-resource-policy-scoped",
    concern: "apigateway",
    service: "API Gateway",
    resourceTypes: ["aws:apigateway/restApiPolicy:RestApiPolicy", "aws:apigateway/restApi:RestApi"],
    anchors: {},
    remediationSteps: 'For private APIs allow execute-api:Invoke to "*" only with aws:SourceVpce; otherwise name the calling roles or accounts.',
});
