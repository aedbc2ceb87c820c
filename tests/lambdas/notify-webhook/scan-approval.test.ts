/**
 * The notifier as an SNS subscriber of the scan stage's approval topic: the real SNS Lambda event
 * (tests/fixtures/aws/sns/lambda-event.json) carrying exactly what lambdas/scan-stage/request-approval.ts
 * publishes (captured from its PublishCommand), rendered for Teams and Slack; its other inputs stay as
 * they were.
 */
import assert from "node:assert/strict";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { notify } from "../../../lambdas/notify-webhook/handler";
import { WebhookSource } from "../../../lambdas/notify-webhook/webhook-secret";
import { parseApprovalRequest, requestApproval } from "../../../lambdas/scan-stage/request-approval";
import { awsFixture } from "../../fixtures/aws/load";

const TOPIC = "arn:aws:sns:eu-west-1:222222222222:lakewarden-orders-scan-approvals";
const API = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod";
const SECRETS = {
    teams: { arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:lakewarden/scan-teams-AbCdEf", url: "https://contoso.webhook.office.com/webhookb2/t" },
    slack: { arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:lakewarden/scan-slack-AbCdEf", url: "https://hooks.slack.com/services/T0/B0/x" },
};

/**
 * SNS's delivery of a Publish to a Lambda subscriber, on the documented event: Subject, Message,
 * TopicArn and the subscription ARN from the publish; each message attribute as {Type, Value}.
 */
function delivered(...published: PublishCommandInput[]): Record<string, any> {
    const event = awsFixture("sns/lambda-event.json");
    const template = event.Records[0];
    event.Records = published.map((input, i) => ({
        ...template,
        EventSubscriptionArn: `${input.TopicArn}:21be56ed-a058-49f5-8c98-aedd2564c486`,
        Sns: {
            ...template.Sns,
            MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5${i}`,
            TopicArn: input.TopicArn,
            Subject: input.Subject,
            Message: input.Message,
            MessageAttributes: Object.fromEntries(
                Object.entries(input.MessageAttributes ?? {}).map(([name, a]) => [name, { Type: a.DataType, Value: a.StringValue }]),
            ),
            UnsubscribeUrl: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${input.TopicArn}:21be56ed-a058-49f5-8c98-aedd2564c486`,
        },
    }));
    return event;
}

describe("notify-webhook as the scan stage's SNS subscriber", () => {
    let ddb: AwsClientStub<DynamoDBClient>;
    let sns: AwsClientStub<SNSClient>;
    let secrets: AwsClientStub<SecretsManagerClient>;
    before(() => {
        ddb = mockClient(DynamoDBClient);
        sns = mockClient(SNSClient);
        secrets = mockClient(SecretsManagerClient);
        for (const [kind, secret] of Object.entries(SECRETS)) {
            secrets.on(GetSecretValueCommand, { SecretId: secret.arn }).resolves({ SecretString: JSON.stringify({ kind, url: secret.url }) });
        }
    });
    after(() => {
        for (const m of [ddb, sns, secrets]) m.restore();
    });

    /** What request-approval publishes for this run (its DynamoDB and SNS clients mocked). */
    async function published(pipeline = "orders", reviewCount = 5): Promise<PublishCommandInput> {
        ddb.reset();
        sns.reset();
        ddb.on(PutItemCommand).resolves({});
        sns.on(PublishCommand).resolves({ MessageId: "m" });
        const request = parseApprovalRequest({
            taskToken: "AAAAKgAAAAIAAAAAAAAAA",
            pipeline,
            runId: "run-2024-03-11T19-30-00Z",
            reviewCount,
            enteredAt: "2024-03-11T20:02:41.374Z",
            timeoutSeconds: 86_400,
        });
        const clients = { ddb: new DynamoDBClient({ region: "eu-west-1" }), sns: new SNSClient({ region: "eu-west-1" }) };
        await requestApproval({ ...clients, decisionTable: "decisions", topicArn: TOPIC, approvalApiUrl: API, reviewBucket: "orders-review" }, request);
        const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
        assert.ok(input);
        return input;
    }

    function posting() {
        const posts: any[] = [];
        return { posts, fetch: async (_url: string, init: { body: string }) => (posts.push(JSON.parse(init.body)), { ok: true, status: 200 }) };
    }

    const deps = (kind: keyof typeof SECRETS, fetch: ReturnType<typeof posting>["fetch"]) => ({
        webhooks: new WebhookSource(new SecretsManagerClient({ region: "eu-west-1" }), SECRETS[kind].arn),
        fetch,
    });

    it("posts the approval request to Teams: facts, the review bucket link, and how to decide as text, not as a button", async () => {
        const out = posting();
        assert.deepEqual(await notify(delivered(await published()), deps("teams", out.fetch)), { delivered: true, kind: "SCAN_APPROVAL" });
        const card = out.posts[0].attachments[0].content;
        assert.equal(card.body[0].text, "Scan stage orders: 5 objects need a decision");
        assert.deepEqual(Object.fromEntries(card.body[2].facts.map((f: { title: string; value: string }) => [f.title, f.value])), {
            Pipeline: "orders",
            Run: "run-2024-03-11T19-30-00Z",
            Objects: "5",
            "Review bucket": "orders-review",
            Tagged: "lakewarden:scan-run=run-2024-03-11T19-30-00Z",
            "Decide before": "2024-03-12T20:02:41.374Z",
            Account: "222222222222",
            Region: "eu-west-1",
        });
        assert.deepEqual(card.actions, [
            { type: "Action.OpenUrl", title: "Open review bucket in S3", url: "https://s3.console.aws.amazon.com/s3/buckets/orders-review?region=eu-west-1" },
        ]);
        assert.match(card.body[3].text, new RegExp(`POST ${API}/runs/run-2024-03-11T19-30-00Z/decision`));
    });

    it("posts it to Slack without the token and without a button that could be clicked to decide", async () => {
        const out = posting();
        await notify(delivered(await published()), deps("slack", out.fetch));
        const slack = JSON.stringify(out.posts[0]);
        assert.ok(!slack.includes("AAAAKgAAAAIAAAAAAAAAA"));
        const buttons = out.posts[0].blocks.filter((b: { type: string }) => b.type === "actions").flatMap((b: { elements: { url: string }[] }) => b.elements);
        assert.deepEqual(
            buttons.map((b: { url: string }) => b.url),
            ["https://s3.console.aws.amazon.com/s3/buckets/orders-review?region=eu-west-1"],
        );
    });

    it("delivers every record of an event", async () => {
        const out = posting();
        await notify(delivered(await published("orders", 5), await published("payments", 1)), deps("slack", out.fetch));
        assert.deepEqual(
            out.posts.map(p => p.blocks[0].text.text),
            ["Scan stage orders: 5 objects need a decision", "Scan stage payments: 1 object needs a decision"],
        );
    });

    it("reads the subject of the longest pipeline name the config allows, under SNS's 100 characters", async () => {
        const input = await published(`p${"-".repeat(22)}p`);
        assert.ok((input.Subject?.length ?? 100) < 100);
        const out = posting();
        await notify(delivered(input), deps("teams", out.fetch));
        assert.equal(out.posts.length, 1);
    });

    it("refuses SNS messages that are not the scan stage's, naming what does not fit", async () => {
        const out = posting();
        // The documented sample as delivered: "Hello from SNS!" with test attributes.
        await assert.rejects(notify(awsFixture("sns/lambda-event.json"), deps("teams", out.fetch)), (error: Error) => {
            assert.equal(error.name, "InvalidNotification");
            assert.match(error.message, /neither a DECISION_NEEDED notice nor a RUN_FAILED body\n  → at Records\[0\]\.Sns\.Message/);
            return true;
        });
        // The facts come from the attributes: a decision endpoint that is not https is refused, whatever the text says.
        const tampered = await published();
        tampered.MessageAttributes = {
            ...tampered.MessageAttributes,
            decisionEndpoint: { DataType: "String", StringValue: "http://example.com/runs/x/decision" },
        };
        await assert.rejects(notify(delivered(tampered), deps("teams", out.fetch)), {
            name: "InvalidNotification",
            message: /MessageAttributes\.decisionEndpoint/,
        });
        const otherPipeline = await published();
        otherPipeline.Subject = "lakewarden scan stage payments: decision needed";
        await assert.rejects(notify(delivered(otherPipeline), deps("teams", out.fetch)), {
            name: "InvalidNotification",
            message: /subject and attributes name different pipelines/,
        });
        // A JSON body that is not RUN_FAILED.
        const other = await published();
        await assert.rejects(
            notify(
                delivered({ ...other, MessageAttributes: {}, Message: JSON.stringify({ event: "RUN_FAILED", pipeline: "orders" }) }),
                deps("teams", out.fetch),
            ),
            { name: "InvalidNotification", message: /Records\[0\]\.Sns\.Message\.runId/ },
        );
        assert.equal(out.posts.length, 0);
    });

    it("posts a failed run from the workflow's own notice and a timed-out run from the execution status rule", async () => {
        const execution = "arn:aws:states:eu-west-1:222222222222:execution:lakewarden-prod-scan-orders:run-2024-03-11T19-30-00Z";
        // As workflows/scan-stage.ts ReportFailure publishes it (body and attributes of the contract).
        const caught: PublishCommandInput = {
            TopicArn: TOPIC,
            Subject: "lakewarden scan stage orders: run failed",
            Message: JSON.stringify({
                event: "RUN_FAILED",
                pipeline: "orders",
                runId: "run-2024-03-11T19-30-00Z",
                executionArn: execution,
                status: "FAILED",
                error: "ScanJobFailed",
                cause: JSON.stringify({
                    errorType: "ScanJobFailed",
                    errorMessage: "Macie job 3ce05dbb7ec5505def334104bf7fb2b5 ended CANCELLED",
                    trace: ["at poll"],
                }),
            }),
            MessageAttributes: {
                event: { DataType: "String", StringValue: "RUN_FAILED" },
                pipeline: { DataType: "String", StringValue: "orders" },
                runId: { DataType: "String", StringValue: "run-2024-03-11T19-30-00Z" },
            },
        };
        // As the rule's input transformer writes it, without attributes (an EventBridge SNS target sets none).
        const timedOut: PublishCommandInput = {
            TopicArn: TOPIC,
            Message: JSON.stringify({
                event: "RUN_FAILED",
                pipeline: "orders",
                runId: "run-2024-03-12T01-30-00Z",
                executionArn: execution.replace("19-30-00Z", "01-30-00Z").replace("03-11", "03-12"),
                status: "TIMED_OUT",
                error: null,
                cause: null,
            }),
        };
        const out = posting();
        assert.deepEqual(await notify(delivered(caught, timedOut), deps("teams", out.fetch)), { delivered: true, kind: "SCAN_RUN_FAILED" });
        const [failed, timeout] = out.posts.map(p => p.attachments[0].content);
        assert.equal(failed.body[0].text, "Scan stage orders: run failed: ScanJobFailed");
        const facts = Object.fromEntries(failed.body[2].facts.map((f: { title: string; value: string }) => [f.title, f.value]));
        assert.equal(facts.Cause, "Macie job 3ce05dbb7ec5505def334104bf7fb2b5 ended CANCELLED");
        assert.equal(facts.Account, "222222222222");
        assert.match(failed.actions[0].url, /states\/home\?region=eu-west-1#\/v2\/executions\/details\//);
        assert.equal(timeout.body[0].text, "Scan stage orders: run timed out");
    });

    it("keeps its Step Functions inputs", async () => {
        const out = posting();
        const result = await notify(
            {
                kind: "TAG_COMPLIANCE",
                accountId: "222222222222",
                region: "eu-west-1",
                time: "2024-03-11T19:37:04Z",
                configRuleName: "lakewarden-bucket-tags",
                resourceType: "AWS::S3::Bucket",
                resourceId: "orders-landing",
                complianceType: "NON_COMPLIANT",
            },
            deps("slack", out.fetch),
        );
        assert.deepEqual(result, { delivered: true, kind: "TAG_COMPLIANCE" });
        await assert.rejects(notify({ kind: "SOMETHING" }, deps("slack", out.fetch)), { name: "InvalidNotification" });
    });
});
