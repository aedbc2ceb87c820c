import { resourcePolicy } from "../../lib/define";
import { isUnknown } from "../../lib/unknown";
import { show } from "../../lib/values";

export const apigatewayMethodAuthorized = resourcePolicy({
    name: "apigateway-method-authorized",
    concern: "apigateway",
    description: "API Gateway methods and HTTP/WebSocket routes require authorisation (IAM, Cognito or a Lambda authoriser); only CORS OPTIONS may be open.",
    severity: "high",
    remediationSteps: 'Set authorization "AWS_IAM" (or COGNITO_USER_POOLS / CUSTOM with an authorizer) on the method or authorizationType on the route.',
    anchors: {
        cdkNag: ["AwsSolutions-APIG4", "AwsSolutions-COG4"],
        checkov: ["CKV_AWS_59", "CKV_AWS_309", "CKV2_AWS_70"],
        pulumi: ["PCI api-gateway-authorization"],
    },
    resourceTypes: ["aws:apigateway/method:Method", "aws:apigatewayv2/route:Route"],
    validate(resource, _config, report) {
        const v1 = resource.type === "aws:apigateway/method:Method";
        const auth = v1 ? resource.props.authorization : resource.props.authorizationType;
        const verb = v1 ? resource.props.httpMethod : String(resource.props.routeKey ?? "").split(" ")[0];
        if (verb === "OPTIONS") {
            return;
        }
        if (isUnknown(auth)) {
            report("authorization is not known at preview");
        } else if (auth === undefined || auth === "NONE") {
            report(`${v1 ? "authorization" : "authorizationType"} is ${show(auth ?? "NONE")}`);
        }
    },
});
