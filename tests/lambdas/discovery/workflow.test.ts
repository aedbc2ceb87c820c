/**
 * The per-source Glue workflow (catalog → crawl → detect → report) checked and run by a local
 * executor of Glue trigger semantics: a SCHEDULED trigger starts its actions; a CONDITIONAL trigger
 * with Logical AND fires once every condition holds; the job's final state becomes the EventBridge
 * "Glue Job State Change" event, which only the reporter rule's pattern turns into a report.
 */
import * as assert from "node:assert/strict";
import type { CreateTriggerRequest } from "@aws-sdk/client-glue";
import { jobStatePattern } from "../../../components/discovery/data-store-discovery";
import { jobPrefix } from "../../../lambdas/discovery-common/source";
import { catalogPlan, type CatalogPlan } from "../../../lambdas/discovery-catalog/plan";
import { catalogSettings } from "../../../support/discovery/catalog-settings";

const account = "777788889999";
const settings = catalogSettings(account);
const cluster = {
    jdbcUrl: "jdbc:postgresql://h:5432/app",
    database: "app",
    secretArn: "arn:aws:secretsmanager:eu-west-1:1:secret:rds!cluster-x",
    subnetId: "subnet-1",
    availabilityZone: "eu-west-1a",
    securityGroupIds: ["sg-1"],
};
const rdsPlan = catalogPlan(
    settings,
    { arn: `arn:aws:rds:eu-west-1:${account}:cluster:app`, kind: "rds", name: "app", accountId: account, region: "eu-west-1" },
    { schemas: ["public", "sales"], cluster },
);

type Outcome = "SUCCEEDED" | "FAILED";

/** Runs one scheduled start of the workflow; returns what ran, in order, and the job events emitted. */
function execute(plan: CatalogPlan, crawlOutcome: (crawler: string) => Outcome, jobOutcome: Outcome) {
    const ran: string[] = [];
    const crawlStates = new Map<string, Outcome>();
    const events: { source: string; "detail-type": string; detail: { jobName: string; state: Outcome } }[] = [];
    const fire = (trigger: CreateTriggerRequest) => {
        for (const action of trigger.Actions ?? []) {
            if (action.CrawlerName) {
                ran.push(`crawl:${action.CrawlerName}`);
                crawlStates.set(action.CrawlerName, crawlOutcome(action.CrawlerName));
            }
            if (action.JobName) {
                ran.push(`job:${action.JobName}`);
                events.push({ source: "aws.glue", "detail-type": "Glue Job State Change", detail: { jobName: action.JobName, state: jobOutcome } });
            }
        }
    };
    const scheduled = plan.triggers.filter(t => t.Type === "SCHEDULED");
    scheduled.forEach(fire);
    const fired = new Set<string>();
    let progress = true;
    while (progress) {
        progress = false;
        for (const trigger of plan.triggers.filter(t => t.Type === "CONDITIONAL" && !fired.has(t.Name!))) {
            const holds = trigger.Predicate!.Conditions!.every(c => c.CrawlerName && crawlStates.get(c.CrawlerName) === c.CrawlState);
            if (holds) {
                fired.add(trigger.Name!);
                fire(trigger);
                progress = true;
            }
        }
    }
    return { ran, events };
}

/** EventBridge matching of the reporter rule's pattern (exact values, one prefix on jobName). */
const reporterPattern = jobStatePattern("dev", ["SUCCEEDED"]) as {
    source: string[];
    "detail-type": string[];
    detail: { jobName: { prefix: string }[]; state: string[] };
};
const reporterMatches = (event: { source: string; "detail-type": string; detail: { jobName: string; state: string } }) =>
    reporterPattern.source.includes(event.source) &&
    reporterPattern["detail-type"].includes(event["detail-type"]) &&
    reporterPattern.detail.jobName.some(p => event.detail.jobName.startsWith(p.prefix)) &&
    reporterPattern.detail.state.includes(event.detail.state);

describe("discovery Glue workflow: crawl, then detect, then report", () => {
    it("is well formed: every trigger in the source's workflow, conditions name crawlers the schedule starts, the job is the PII job", () => {
        for (const trigger of rdsPlan.triggers) assert.equal(trigger.WorkflowName, rdsPlan.workflow.Name);
        const started = new Set(rdsPlan.triggers.filter(t => t.Type === "SCHEDULED").flatMap(t => (t.Actions ?? []).map(a => a.CrawlerName)));
        assert.deepEqual([...started].sort(), rdsPlan.crawlers.map(c => c.Name).sort());
        const conditional = rdsPlan.triggers.filter(t => t.Type === "CONDITIONAL");
        assert.equal(conditional.length, 1);
        assert.equal(conditional[0].Predicate?.Logical, "AND");
        for (const c of conditional[0].Predicate.Conditions!) assert.ok(started.has(c.CrawlerName), `${c.CrawlerName} is started by the schedule`);
        assert.deepEqual(conditional[0].Actions, [{ JobName: rdsPlan.job.Name }]);
        assert.ok(rdsPlan.job.Name!.startsWith(jobPrefix("dev")));
        assert.ok(
            rdsPlan.triggers.every(t => t.StartOnCreation),
            "triggers are active once created",
        );
        assert.deepEqual(rdsPlan.job.Connections, { Connections: [rdsPlan.connection!.Name] });
    });

    it("runs the job only after every crawler succeeded, and the reporter only on the job's success", () => {
        const ok = execute(rdsPlan, () => "SUCCEEDED", "SUCCEEDED");
        assert.deepEqual(ok.ran, [...rdsPlan.crawlers.map(c => `crawl:${c.Name}`), `job:${rdsPlan.job.Name}`]);
        assert.deepEqual(ok.events.filter(reporterMatches).length, 1);

        const oneCrawlerFailed = execute(rdsPlan, name => (name.endsWith("-sales") ? "FAILED" : "SUCCEEDED"), "SUCCEEDED");
        assert.ok(!oneCrawlerFailed.ran.some(r => r.startsWith("job:")), "a stale schema is never scanned as if current");
        assert.deepEqual(oneCrawlerFailed.events, []);

        const jobFailed = execute(rdsPlan, () => "SUCCEEDED", "FAILED");
        assert.equal(jobFailed.events.filter(reporterMatches).length, 0, "a failed run is not reported (its own rule alarms)");
    });
});
