import * as assert from "node:assert/strict";
import { baselineTemplate } from "../../cloudformation/member-baseline";
import { tagPolicyContent } from "../../components/governance/bucket-tag-policy";
import { ofType, sharedStack, type Recording } from "../helpers/program";

describe("organisation governance (management account)", () => {
    const busArn = "arn:aws:events:eu-west-1:210987654321:event-bus/lakewarden-prod-security";

    it("generates a baseline whose Config rule requires both data-protection tags", () => {
        const template = baselineTemplate({ environment: "prod", securityBusArn: busArn, bucketOwners: ["hr", "finance"] });
        const rule = template.Resources.RequiredBucketTags.Properties;
        assert.deepEqual(rule.Source, { Owner: "AWS", SourceIdentifier: "REQUIRED_TAGS" });
        assert.deepEqual(rule.InputParameters, { tag1Key: "RequireMacieScan", tag1Value: "True,False", tag2Key: "BucketOwner", tag2Value: "finance,hr" });
        assert.equal(template.Resources.ConfigRecorder.Condition, "CreateRecorder");
    });

    it("forwards only that rule's compliance changes, only to the security bus", () => {
        const template = baselineTemplate({ environment: "prod", securityBusArn: busArn, bucketOwners: ["hr"] });
        const forward = template.Resources.ComplianceChangesToSecurity.Properties as { EventPattern: { detail: unknown }; Targets: { Arn: string }[] };
        assert.deepEqual(forward.EventPattern.detail, { configRuleName: ["lakewarden-prod-s3-required-tags"] });
        assert.deepEqual(
            forward.Targets.map(t => t.Arn),
            [busArn],
        );
        const role = JSON.stringify(template.Resources.ForwarderRole.Properties);
        assert.ok(role.includes('"Action":"events:PutEvents","Resource":"' + busArn + '"'));
        assert.ok(role.includes("aws:SourceAccount"));
    });

    it("enforces the tag values on S3 buckets", () => {
        const content = tagPolicyContent(["hr", "finance"]) as {
            tags: Record<string, { tag_value: { "@@assign": string[] }; enforced_for: { "@@assign": string[] } }>;
        };
        assert.deepEqual(content.tags.RequireMacieScan.tag_value["@@assign"], ["True", "False"]);
        assert.deepEqual(content.tags.BucketOwner.tag_value["@@assign"], ["finance", "hr"]);
        assert.deepEqual(content.tags.BucketOwner.enforced_for["@@assign"], ["s3:bucket"]);
    });

    describe("in prod", () => {
        let prod: Recording;
        before(async () => {
            prod = await sharedStack("prod");
        });

        it("attaches the tag policy to every target OU and auto-deploys the baseline there", () => {
            const attachments = ofType(prod, "aws:organizations/policyAttachment:PolicyAttachment");
            assert.deepEqual(attachments.map(a => a.props.targetId).sort(), ["ou-lw00-finance1x", "ou-lw00-workload1x"]);
            const [stackSet] = ofType(prod, "aws:cloudformation/stackSet:StackSet");
            assert.equal(stackSet.accountId, "111122223333");
            assert.equal(stackSet.props.permissionModel, "SERVICE_MANAGED");
            assert.deepEqual(stackSet.props.autoDeployment, { enabled: true, retainStacksOnAccountRemoval: false });
            assert.deepEqual(stackSet.props.parameters, { CreateConfigRecorder: "false" });
            const [instance] = ofType(prod, "aws:cloudformation/stackSetInstance:StackSetInstance");
            assert.deepEqual(instance.props.deploymentTargets, { organizationalUnitIds: ["ou-lw00-finance1x", "ou-lw00-workload1x"] });
        });

        it("delegates Macie administration to the security account", () => {
            const [admin] = ofType(prod, "aws:macie2/organizationAdminAccount:OrganizationAdminAccount");
            assert.equal(admin.props.adminAccountId, "210987654321");
            assert.equal(admin.accountId, "111122223333");
        });
    });
});
