import { z } from "zod";
import type { Account } from "./accounts";
import { accountIdOfArn, roleArn, shortName } from "./primitives";
import { checkUnique } from "./references";
import { scanBucketNameProblem } from "../naming/scan-stage";
import { CONFIG_NAMESPACE, type ConfigProblem } from "./errors";

/**
 * EventBridge Scheduler / rule schedule expressions: `rate(6 hours)` or a six-field `cron(...)`
 * (EventBridge User Guide, "Schedule expressions for rules").
 */
const scheduleExpression = z.string().regex(/^(rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/, {
    error: issue => `expected rate(<n> <unit>) or cron(<6 fields>), got "${String(issue.input)}"`,
});

/** The previous pipeline stage's completion event that starts a run (an EventBridge pattern subset). */
const startEventSchema = z.strictObject({
    source: z.string().regex(/^[\w.-]{1,256}$/, { error: issue => `expected an event source like lakewarden.ingest, got "${String(issue.input)}"` }),
    detailType: z.string().min(1).max(128),
});

/**
 * Teams or Slack through the notifier remediation deploys (lambdas/notify-webhook), deployed in the stage's account
 * and subscribed to the pipeline's topic (components/scan-stage/scan-stage.ts). The program creates the secret under
 * the stage key; its value ({"kind","url"}) is set out of band, so it never passes through Pulumi state.
 */
const notificationSchema = z.strictObject({
    kind: z.enum(["teams", "slack"]),
    webhookSecretName: z.string().regex(/^[\w/+=.@-]{1,512}$/, { error: "expected a Secrets Manager secret name ([\\w/+=.@-])" }),
});

const scanPipelineSchema = z.strictObject({
    /** Names the pipeline's buckets, workflow and lock; unique per environment. */
    name: shortName,
    /** The producer account that holds the stage. */
    account: shortName,
    schedule: scheduleExpression.optional(),
    startOnEvent: startEventSchema.optional(),
    /**
     * Objects moved into one run. Macie's one-time job is scoped to the run's tag, and the run
     * manifest travels through Step Functions state (256 KiB), so a run is bounded.
     */
    maxObjectsPerRun: z.number().int().min(1).max(1000).default(500),
    /**
     * How long a decision may take; no decision by then is a deny. A run is bounded by the 7-day run
     * timeout its history and state were measured against (tests/workflows/scan-stage-limits.test.ts),
     * so at most 96 hours go to the decision and at least 3 days remain for the moves and the Macie job.
     */
    approvalTimeoutHours: z.number().int().min(1).max(96).default(72),
    /** What a deny does to the flagged objects: delete them, or keep them in the review bucket. */
    onDeny: z.enum(["delete", "retain"]).default("retain"),
    /**
     * Objects in the review bucket (retained denials, and noncurrent versions) expire after this many days.
     * At least 7: an object waiting for a decision must outlive its run (7-day run timeout).
     */
    reviewRetentionDays: z.number().int().min(7).max(3650).default(90),
    /** Roles of the stage's account allowed to POST a decision (SigV4); the caller is recorded. */
    approverRoleArns: z.array(roleArn).min(1),
    /** Decision requests and failed runs are also posted to Teams or Slack (the topic carries them either way). */
    notification: notificationSchema.optional(),
});

/** Macie scan stages in producer accounts: landing -> scan -> (scanned | review). Absent: none deployed. */
export const scanStageSchema = z.strictObject({ pipelines: z.array(scanPipelineSchema).min(1) }).optional();

export type ScanStage = NonNullable<z.infer<typeof scanStageSchema>>;
export type ScanPipeline = ScanStage["pipelines"][number];

/**
 * The stage's bucket names need the stack name (the environment), which the sections do not carry, so this runs
 * after them (config/environment.ts parseEnvironment), still before any resource: names the key and the file.
 */
export function scanStageNameProblems(stack: string, env: { accounts: Account[]; homeRegion: string; scanStage?: ScanStage }): ConfigProblem[] {
    return (env.scanStage?.pipelines ?? []).flatMap((pipeline, index) => {
        const account = env.accounts.find(a => a.name === pipeline.account);
        if (!account) return [];
        const problem = scanBucketNameProblem({ environment: stack, accountId: account.id, region: account.region ?? env.homeRegion }, pipeline.name);
        return problem ? [{ key: `${CONFIG_NAMESPACE}:scanStage.pipelines[${index}].name`, message: `${problem} (Pulumi.${stack}.yaml)` }] : [];
    });
}

export function checkScanStage(env: { accounts: Account[]; scanStage?: ScanStage; remediation?: unknown }, ctx: z.RefinementCtx): void {
    const stage = env.scanStage;
    if (!stage) {
        return;
    }
    if (!env.remediation) {
        // Producers get Macie as members of the security account's organisation (lakewarden:remediation enrols them);
        // a member runs one-time jobs on the buckets it owns and stores its own discovery results.
        ctx.addIssue({
            code: "custom",
            path: ["scanStage"],
            message: "needs lakewarden:remediation: Macie is enabled in producer accounts by enrolling them there",
        });
    }
    checkUnique(
        ctx,
        stage.pipelines,
        p => p.name,
        i => ["scanStage", "pipelines", i, "name"],
        "scan pipeline",
    );
    // One secret per name in an account: two pipelines of an account cannot both create it.
    const notified = stage.pipelines.flatMap((p, index) => (p.notification ? [{ index, secret: `${p.account}/${p.notification.webhookSecretName}` }] : []));
    checkUnique(
        ctx,
        notified,
        n => n.secret,
        i => ["scanStage", "pipelines", notified[i].index, "notification", "webhookSecretName"],
        "webhook secret (account/name)",
    );
    stage.pipelines.forEach((pipeline, index) => {
        const path = ["scanStage", "pipelines", index];
        const account = env.accounts.find(a => a.name === pipeline.account);
        if (!account || account.role !== "producer") {
            const producers = env.accounts.filter(a => a.role === "producer").map(a => a.name);
            ctx.addIssue({
                code: "custom",
                path: [...path, "account"],
                message: `"${pipeline.account}" is not a producer account (producers: ${producers.join(", ") || "none"})`,
            });
            return;
        }
        if (!pipeline.schedule && !pipeline.startOnEvent) {
            ctx.addIssue({ code: "custom", path, message: "a pipeline needs a schedule, a startOnEvent, or both; otherwise no run ever starts" });
        }
        pipeline.approverRoleArns.forEach((arn, i) => {
            if (accountIdOfArn(arn) !== account.id) {
                ctx.addIssue({
                    code: "custom",
                    path: [...path, "approverRoleArns", i],
                    message: `an approver role must be in the pipeline's account ${account.name} (${account.id}), got ${arn}`,
                });
            }
        });
        checkUnique(
            ctx,
            pipeline.approverRoleArns,
            a => a,
            i => [...path, "approverRoleArns", i],
            "approver role",
        );
    });
}
