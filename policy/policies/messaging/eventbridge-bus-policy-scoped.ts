import { scopedResourcePolicy } from "../../lib/scoped-resource-policy";

export const eventbridgeBusPolicyScoped = scopedResourcePolicy({
    name: "eventbridge-bus-policy-scoped",
    concern: "messaging",
    service: "EventBridge bus",
    resourceTypes: ["aws:cloudwatch/eventBusPolicy:EventBusPolicy"],
    anchors: {},
    remediationSteps: 'Allow events:PutEvents to the environment\'s account ids, or to "*" with aws:PrincipalOrgID = the organisation.',
});
