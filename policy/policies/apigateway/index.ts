export { apigatewayMethodAuthorized } from "./method-authorized";
export { apigatewayResourcePolicyScoped } from "./resource-policy-scoped";
