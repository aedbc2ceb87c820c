/**
 * The notifier on what AWS really sends: AWS Config "Config Rules Compliance Change" events
 * (tests/fixtures/aws/config) through the rule's input transformer, and keys as long as S3 allows.
 */
import assert from "node:assert/strict";
import { TAG_COMPLIANCE_INPUT } from "../../../components/remediation/finding-remediation";
import { notificationSchema, type Subject } from "../../../lambdas/notify-webhook/input";
import { buildMessage } from "../../../lambdas/notify-webhook/message";
import { MAX_BUTTON_URL_CHARS, toSlack } from "../../../lambdas/notify-webhook/slack";
import { awsFixture } from "../../fixtures/aws/load";

/** EventBridge's input transformer: each JSONPath value, JSON-encoded, in place of its <name>. */
function transform(event: unknown, input: { paths: Record<string, string>; template: string }): unknown {
    const valueAt = (path: string) =>
        path
            .slice(2)
            .split(".")
            .reduce<any>((node, key) => node?.[key], event);
    const text = Object.entries(input.paths).reduce((out, [name, path]) => out.split(`<${name}>`).join(JSON.stringify(valueAt(path))), input.template);
    return JSON.parse(text);
}

function complianceEvent(complianceType?: string): Record<string, any> {
    const detail = awsFixture("config/compliance-change-notification.json");
    if (complianceType) detail.newEvaluationResult.complianceType = complianceType;
    return { ...awsFixture("config/eventbridge-envelope.json"), "detail-type": "Config Rules Compliance Change", detail };
}

describe("notify-webhook on real AWS Config events", () => {
    it("reads the documented compliance change through the rule's input transformer", () => {
        const notification = notificationSchema.parse(transform(complianceEvent(), TAG_COMPLIANCE_INPUT));
        assert.deepEqual(notification, {
            kind: "TAG_COMPLIANCE",
            accountId: "111122223333",
            region: "us-east-1",
            time: "2018-03-22T00:38:11Z",
            configRuleName: "cloudtrail-enabled",
            resourceType: "AWS::::Account",
            resourceId: "123456789012",
            complianceType: "COMPLIANT",
        });
        assert.equal(buildMessage(notification).title, "Tags fixed: 123456789012");
    });

    it("does not report NOT_APPLICABLE (a deleted bucket) or INSUFFICIENT_DATA as missing tags", () => {
        const wording = (type: string) => {
            const message = buildMessage(notificationSchema.parse(transform(complianceEvent(type), TAG_COMPLIANCE_INPUT)));
            return [message.title, message.tone];
        };
        assert.deepEqual(wording("NON_COMPLIANT"), ["Missing data-protection tags: 123456789012", "warning"]);
        assert.deepEqual(wording("NOT_APPLICABLE"), ["No longer evaluated: 123456789012", "accent"]);
        assert.deepEqual(wording("INSUFFICIENT_DATA"), ["Tag compliance INSUFFICIENT_DATA: 123456789012", "accent"]);
    });
});

describe("Slack button URLs", () => {
    const subject = (key: string): Subject => ({
        findingId: "ba3c75616234b8a67797b8000371aaba",
        findingType: "SensitiveData:S3Object/Personal",
        severity: "High",
        publicStatus: "PUBLIC",
        bucketOwner: "payments-team",
        accountId: "222222222222",
        region: "eu-west-1",
        partition: "aws",
        bucket: "data-222222222222",
        key,
        versionId: "v1",
    });
    const buttons = (key: string) => {
        const slack = toSlack(buildMessage({ kind: "FINDING", subject: subject(key), reasons: ["r"] })) as { blocks: any[] };
        return slack.blocks.filter(b => b.type === "actions").flatMap(b => b.elements as { url: string; text: { text: string } }[]);
    };

    it("keeps every button within Slack's 3,000 characters for a 1,011-byte key of non-ASCII characters", () => {
        // S3 keys are at most 1,024 bytes of UTF-8; a three-byte character is 9 characters once percent-encoded.
        const key = "顧客データ/".repeat(63) + "表";
        assert.ok(Buffer.byteLength(key, "utf8") <= 1024);
        const found = buttons(key);
        assert.ok(
            found.every(b => b.url.length <= MAX_BUTTON_URL_CHARS),
            "every button url fits",
        );
        assert.deepEqual(
            found.map(b => b.text.text),
            ["Open finding in Macie", "Open bucket in S3"],
        );
    });

    it("links the object itself when its URL fits", () => {
        assert.deepEqual(
            buttons("exports/q1/cards.csv").map(b => b.text.text),
            ["Open finding in Macie", "Open object in S3"],
        );
    });
});
