import { stackPolicy } from "../../lib/define";
import { environmentAccounts, ownAccounts } from "../../lib/environment";
import { accountOf, isServicePrincipal } from "../../lib/iam/principals";
import { type OrgConfig, orgConfigSchema } from "../../lib/org-config";
import { isUnknown } from "../../lib/unknown";
import { show } from "../../lib/values";

const PERMISSION = "aws:lambda/permission:Permission";
const URL = "aws:lambda/functionUrl:FunctionUrl";
// Services whose source ARNs carry no account id, so aws:SourceAccount must pin them too.
const ACCOUNTLESS_SOURCES = new Set(["s3.amazonaws.com"]);

export const lambdaPermissionScoped = stackPolicy<OrgConfig>({
    name: "lambda-permission-scoped",
    concern: "compute",
    description:
        'Lambda invoke permissions never go to "*", pin service principals with sourceArn (and sourceAccount for S3), only let in ' +
        "accounts of the environment, and function URLs require AWS_IAM auth.",
    severity: "critical",
    remediationSteps: "Grant lambda:InvokeFunction to the calling service with sourceArn = the rule/bucket/topic ARN; use authorizationType AWS_IAM on URLs.",
    anchors: {
        cdkNag: ["HIPAA.Security-LambdaFunctionPublicAccessProhibited", "Serverless-LambdaStarPermissions"],
        checkov: ["CKV_AWS_301", "CKV_AWS_364", "CKV_AWS_258"],
        pulumi: ["aws-lambda-permission-configure-source-arn", "PCI lambda-public-access-restricted"],
    },
    resourceTypes: [PERMISSION, URL],
    config: orgConfigSchema,
    validateStack(resources, config, report) {
        const env = environmentAccounts(resources, config.trustedAccounts);
        for (const url of resources.filter(r => r.type === URL)) {
            if (url.props.authorizationType !== "AWS_IAM") {
                report(`function URL authorizationType is ${show(url.props.authorizationType)}, must be AWS_IAM`, url.urn);
            }
        }
        for (const permission of resources.filter(r => r.type === PERMISSION)) {
            const say = (m: string) => report(m, permission.urn);
            const { principal, sourceArn, sourceAccount, action, functionUrlAuthType, principalOrgId } = permission.props;
            if (isUnknown(action)) {
                say("action is not known at preview");
            } else if (typeof action !== "string" || /\*/.test(action)) {
                say(`action ${show(action)} must be a specific lambda action`);
            }
            if (functionUrlAuthType !== undefined && functionUrlAuthType !== "AWS_IAM") {
                say(`functionUrlAuthType is ${show(functionUrlAuthType)}, must be AWS_IAM`);
            }
            if (isUnknown(principal) || typeof principal !== "string") {
                say("principal is not known at preview");
                continue;
            }
            if (principal === "*") {
                if (!(config.organizationId && principalOrgId === config.organizationId)) {
                    say('principal is "*" without principalOrgId of our organisation');
                }
                continue;
            }
            if (isServicePrincipal(principal)) {
                if (sourceArn === undefined || sourceArn === "" || sourceArn === "*") {
                    say(`service principal ${principal} has no sourceArn`);
                }
                if (ACCOUNTLESS_SOURCES.has(principal) && isUnknown(sourceAccount)) {
                    say(`service principal ${principal}: sourceAccount is not known at preview`);
                } else if (ACCOUNTLESS_SOURCES.has(principal) && (typeof sourceAccount !== "string" || !/^\d{12}$/.test(sourceAccount))) {
                    say(`service principal ${principal} needs sourceAccount (its source ARNs carry no account)`);
                }
                continue;
            }
            const account = accountOf(principal);
            if (account === undefined) {
                say(`principal ${principal} is not a service, account or IAM ARN`);
            } else if (!ownAccounts(permission).has(account) && !env.has(account)) {
                say(`principal account ${account} is not an account of this environment`);
            }
        }
    },
});
