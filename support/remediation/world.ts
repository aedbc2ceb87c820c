/**
 * A complete local world for the remediation workflows: two member accounts with versioned
 * buckets in a fake S3, their remediation roles (policies from member-role-policy.ts) in a fake
 * STS, the tracking table, the webhook secret, and both state machines wired to the real
 * Lambda handlers.
 */
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import type { DecisionRulesInput } from "../../lambdas/macie-decision/rules";
import type { Notification } from "../../lambdas/notify-webhook/input";
import { WebhookSource } from "../../lambdas/notify-webhook/webhook-secret";
import { memberRoleArn } from "../../lambdas/quarantine-object/member-session";
import { memberRolePolicy } from "../../lambdas/quarantine-object/member-role-policy";
import { buildQuarantineDefinition, DEFAULT_QUARANTINE_PREFIX } from "../../workflows/quarantine";
import { buildReleaseDefinition } from "../../workflows/release";
import { TRACKING_KEY } from "../../workflows/tracking";
import type { CopyLimits } from "../../lambdas/shared/s3-transfer/copy-plan";
import { createQuarantineHandler, createReleaseHandler, decisionHandler, notify } from "./handlers";
import { QUARANTINE_ROLE_NAME, RELEASE_ROLE_NAME } from "./remediation-environment";
import { installFakeAws } from "./fake-aws";
import { LocalTable, type Item } from "./local-table";
import { FakeS3 } from "./fake-s3";
import { FakeSts } from "./fake-sts";
import { MEMBER_ACCOUNTS, REGION } from "./fixtures";
import { LocalWorkflow, type Handler } from "./local-runtime";

const arn = (name: string) => `arn:aws:lambda:${REGION}:111111111111:function:${name}`;
export const FUNCTIONS = {
    decision: arn("lakewarden-macie-decision"),
    quarantine: arn("lakewarden-quarantine-object"),
    release: arn("lakewarden-release-object"),
    notify: arn("lakewarden-notify-webhook"),
};
export const TABLE = "lakewarden-quarantine-tracking";
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:111111111111:secret:lakewarden/webhook-AbCdEf`;

export interface WorldOptions {
    rules?: DecisionRulesInput;
    /** Copy limits of the object Lambdas and the fake S3 (scaled down to simulate objects over 5 GiB). */
    limits?: CopyLimits;
    /** Replace a Lambda by a test double (e.g. one that fails). */
    override?: Partial<Record<keyof typeof FUNCTIONS, (real: Handler) => Handler>>;
}

export interface World {
    s3: FakeS3;
    sts: FakeSts;
    table: LocalTable;
    quarantine: LocalWorkflow;
    release: LocalWorkflow;
    notifications: Notification[];
    record(findingId: string, versionId: string): Item | undefined;
    dispose(): void;
}

export function bucketName(accountId: string): string {
    return `data-${accountId}`;
}

export async function createWorld(options: WorldOptions = {}): Promise<World> {
    const s3 = new FakeS3(options.limits?.maxSingleCopyBytes);
    const sts = new FakeSts();
    for (const accountId of MEMBER_ACCOUNTS) {
        s3.createBucket(bucketName(accountId), accountId, REGION);
        for (const [purpose, roleName] of [
            ["quarantine", QUARANTINE_ROLE_NAME],
            ["release", RELEASE_ROLE_NAME],
        ] as const) {
            sts.defineRole(
                memberRoleArn("aws", accountId, roleName),
                memberRolePolicy(purpose, { partition: "aws", accountId, quarantinePrefix: DEFAULT_QUARANTINE_PREFIX, buckets: "*" }),
            );
        }
    }
    const installed = installFakeAws(s3, sts);
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
        SecretString: JSON.stringify({ kind: "teams", url: "https://contoso.webhook.office.com/webhookb2/abc" }),
    });
    const table = await LocalTable.start(TABLE, [TRACKING_KEY.partition, TRACKING_KEY.sort]);
    const notifications: Notification[] = [];
    const notifyDeps = {
        webhooks: new WebhookSource(new SecretsManagerClient({}), SECRET_ARN),
        fetch: async () => ({ ok: true, status: 202 }),
    };
    const real: Record<keyof typeof FUNCTIONS, Handler> = {
        decision: decisionHandler,
        quarantine: createQuarantineHandler(options.limits),
        release: createReleaseHandler(options.limits),
        notify: async payload => {
            const result = await notify(payload, notifyDeps);
            notifications.push(payload as Notification);
            return result;
        },
    };
    const functions = Object.fromEntries(
        (Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]).map(name => [FUNCTIONS[name], options.override?.[name]?.(real[name]) ?? real[name]]),
    );
    const aws = { functions, dynamodb: table };
    return {
        s3,
        sts,
        table,
        notifications,
        quarantine: new LocalWorkflow(
            buildQuarantineDefinition({
                trackingTableName: TABLE,
                decisionFunctionArn: FUNCTIONS.decision,
                quarantineFunctionArn: FUNCTIONS.quarantine,
                notifyFunctionArn: FUNCTIONS.notify,
                rules: options.rules,
            }),
            aws,
        ),
        release: new LocalWorkflow(
            buildReleaseDefinition({ trackingTableName: TABLE, releaseFunctionArn: FUNCTIONS.release, notifyFunctionArn: FUNCTIONS.notify }),
            aws,
        ),
        record: (findingId, versionId) => table.get({ findingId: { S: findingId }, versionId: { S: versionId } }),
        dispose() {
            installed.restore();
            secrets.restore();
            table.close();
        },
    };
}
