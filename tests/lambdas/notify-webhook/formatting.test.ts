import assert from "node:assert/strict";
import type { Notification, Subject } from "../../../lambdas/notify-webhook/input";
import { buildMessage } from "../../../lambdas/notify-webhook/message";
import { toSlack } from "../../../lambdas/notify-webhook/slack";
import { toTeams } from "../../../lambdas/notify-webhook/teams";

const subject: Subject = {
    findingId: "64b917aff3ed7a6d2a5a0c8b6d9b4c8f",
    findingType: "SensitiveData:S3Object/Financial",
    severity: "High",
    publicStatus: "PUBLIC",
    bucketOwner: "payments-team",
    accountId: "222222222222",
    region: "eu-west-1",
    partition: "aws",
    bucket: "data-222222222222",
    key: "exports/q1/cards.csv",
    versionId: "v1.abc",
};

const quarantined: Notification = {
    kind: "QUARANTINED",
    subject,
    reasons: ["object is publicly accessible"],
    quarantine: { key: "quarantine/v1.abc/exports/q1/cards.csv", versionId: "q1" },
};

type Card = { attachments: { contentType: string; content: { body: any[]; actions: { url: string; title: string }[] } }[] };
type SlackPayload = { text: string; blocks: any[] };

describe("notify-webhook formatting", () => {
    it("puts account, bucket, key, severity, public status, owner and the Macie console link in a Teams card", () => {
        const card = toTeams(buildMessage(quarantined, { releaseApiUrl: "https://api.example/releases" })) as Card;
        const [attachment] = card.attachments;
        assert.equal(attachment.contentType, "application/vnd.microsoft.card.adaptive");
        const facts = Object.fromEntries(
            attachment.content.body.find(b => b.type === "FactSet").facts.map((f: { title: string; value: string }) => [f.title, f.value]),
        );
        assert.equal(facts.Account, "222222222222");
        assert.equal(facts.Bucket, "data-222222222222");
        assert.equal(facts.Key, "exports/q1/cards.csv");
        assert.equal(facts.Severity, "High");
        assert.equal(facts.Public, "PUBLIC");
        assert.equal(facts.Owner, "payments-team");
        assert.deepEqual(attachment.content.actions[0], {
            type: "Action.OpenUrl",
            title: "Open finding in Macie",
            url: "https://eu-west-1.console.aws.amazon.com/macie/home?region=eu-west-1#findings?itemId=64b917aff3ed7a6d2a5a0c8b6d9b4c8f",
        });
        assert.match(attachment.content.body.at(-1).text, /POST https:\/\/api\.example\/releases\n.*"findingId":"64b917aff3ed7a6d2a5a0c8b6d9b4c8f"/);
    });

    it("renders the same facts as Slack blocks with a plain-text fallback", () => {
        const slack = toSlack(buildMessage(quarantined)) as SlackPayload;
        assert.match(slack.text, /^Quarantined: High severity object in data-222222222222/);
        const fields = slack.blocks.filter(b => b.type === "section" && b.fields).flatMap(b => b.fields.map((f: { text: string }) => f.text));
        assert.ok(fields.includes("*Key*\nexports/q1/cards.csv"));
        assert.ok(fields.includes("*Public*\nPUBLIC"));
        assert.ok(fields.includes("*Owner*\npayments-team"));
        assert.ok(slack.blocks.every(b => b.type !== "section" || !b.fields || b.fields.length <= 10));
        const buttons = slack.blocks.find(b => b.type === "actions").elements;
        assert.equal(buttons[1].url, "https://s3.console.aws.amazon.com/s3/object/data-222222222222?region=eu-west-1&prefix=exports%2Fq1%2Fcards.csv");
    });

    it("neutralises links and mentions smuggled in object keys", () => {
        const hostile = { ...quarantined, subject: { ...subject, key: "<!channel> [click](https://evil.example) *x*" } };
        const slack = JSON.stringify(toSlack(buildMessage(hostile)));
        assert.ok(!slack.includes("<!channel>"));
        assert.ok(slack.includes("&lt;!channel&gt;"));
        const teams = JSON.stringify(toTeams(buildMessage(hostile)));
        assert.ok(!teams.includes("[click](https://evil.example)"));
        assert.ok(teams.includes("\\\\[click\\\\]\\\\(https://evil.example\\\\)"));
    });

    it("uses the console of the finding's partition", () => {
        const china = buildMessage({ kind: "FINDING", subject: { ...subject, partition: "aws-cn", region: "cn-north-1" }, reasons: ["r"] });
        assert.ok(china.links[0].url.startsWith("https://console.amazonaws.cn/macie/home?region=cn-north-1#findings?itemId="));
    });

    it("reports a failure with the error, what is known of the object, and the execution link", () => {
        const message = buildMessage({
            kind: "FAILED",
            workflow: "quarantine",
            executionId: "arn:aws:states:eu-west-1:111111111111:execution:lakewarden-quarantine:abc",
            state: { finding: subject, error: { Error: "CopyVerificationFailed", Cause: "sizes differ" } },
        });
        assert.equal(message.title, "Quarantine workflow failed: CopyVerificationFailed");
        assert.deepEqual(message.facts.slice(0, 3), [
            ["Error", "CopyVerificationFailed"],
            ["Cause", "sizes differ"],
            ["Finding id", subject.findingId],
        ]);
        assert.equal(
            message.links[0].url,
            "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn%3Aaws%3Astates%3Aeu-west-1%3A111111111111%3Aexecution%3Alakewarden-quarantine%3Aabc",
        );
        const early = buildMessage({
            kind: "FAILED",
            workflow: "quarantine",
            executionId: "x",
            state: { detail: { id: "f9" }, error: { Error: "InvalidFindingEvent" } },
        });
        assert.deepEqual(
            early.facts.find(([label]) => label === "Finding id"),
            ["Finding id", "f9"],
        );
    });

    it("names the releaser on a release notice", () => {
        const message = buildMessage({
            kind: "RELEASED",
            subject,
            release: { releasedBy: "arn:aws:sts::111111111111:assumed-role/investigator/alice", reason: "false positive", restoredVersionId: "r1" },
        });
        assert.ok(message.facts.some(([label, value]) => label === "Released by" && value.endsWith("/alice")));
        assert.equal(message.tone, "good");
    });
});

describe("tag-compliance notifications", () => {
    const change = (complianceType: string): Notification => ({
        kind: "TAG_COMPLIANCE",
        accountId: "222222222222",
        region: "eu-west-1",
        time: "2026-11-23T10:00:00Z",
        configRuleName: "lakewarden-prod-s3-required-tags",
        resourceType: "AWS::S3::Bucket",
        resourceId: "exports-222222222222",
        complianceType,
    });

    it("warns about a bucket missing its tags, naming account, bucket and rule", () => {
        const message = buildMessage(change("NON_COMPLIANT"));
        assert.equal(message.title, "Missing data-protection tags: exports-222222222222");
        assert.equal(message.tone, "warning");
        assert.deepEqual(message.facts.slice(0, 4), [
            ["Account", "222222222222"],
            ["Region", "eu-west-1"],
            ["Resource", "AWS::S3::Bucket exports-222222222222"],
            ["Compliance", "NON_COMPLIANT"],
        ]);
    });

    it("says so when the bucket is compliant again", () => {
        assert.equal(buildMessage(change("COMPLIANT")).tone, "good");
    });
});
