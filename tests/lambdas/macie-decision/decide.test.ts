import assert from "node:assert/strict";
import fc from "fast-check";
import { decide } from "../../../lambdas/macie-decision/decide";
import { parseFindingEvent } from "../../../lambdas/macie-decision/finding";
import { decisionHandler as handler } from "../../../support/remediation/handlers";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { DEFAULT_DECISION_RULES } from "../../../lambdas/macie-decision/rules";
import { macieEvent, type FindingSpec } from "../../../support/remediation/fixtures";

const base: FindingSpec = {
    findingId: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4",
    accountId: "222222222222",
    bucket: "data-222222222222",
    key: "exports/customers.csv",
    versionId: "v1.abc_DEF",
    size: 120,
};

function withDetail(spec: Partial<FindingSpec>, edit: (detail: Record<string, any>) => void = () => undefined) {
    const event = macieEvent({ ...base, ...spec });
    edit(event.detail as Record<string, any>);
    return event;
}

describe("macie-decision", () => {
    useRemediationEnvironment();

    describe("parseFindingEvent", () => {
        it("summarises the finding: owner from the BucketOwner tag, public from object or bucket", () => {
            const { summary, bucketTags } = parseFindingEvent(withDetail({ bucketPermission: "PUBLIC" }));
            assert.equal(summary.bucketOwner, "payments-team");
            assert.equal(summary.publicStatus, "PUBLIC");
            assert.equal(summary.versionId, "v1.abc_DEF");
            assert.equal(bucketTags.RequireMacieScan, "True");
        });

        it("treats Macie's literal version id \"null\" as unversioned and falls back to the owner's display name", () => {
            const { summary } = parseFindingEvent(withDetail({ versionId: "null", bucketTags: { RequireMacieScan: "True" } }));
            assert.equal(summary.versionId, null);
            assert.equal(summary.bucketOwner, "member-owner");
        });

        it("keeps UNKNOWN exposure as UNKNOWN rather than guessing", () => {
            assert.equal(parseFindingEvent(withDetail({ bucketPermission: "UNKNOWN" })).summary.publicStatus, "UNKNOWN");
        });

        it("rejects events that are not Macie findings", () => {
            assert.throws(() => parseFindingEvent({ ...macieEvent(base), source: "aws.s3" }));
            assert.throws(() => parseFindingEvent(withDetail({}, d => delete d.severity)));
        });
    });

    describe("decide", () => {
        const rules = DEFAULT_DECISION_RULES;
        const decideFor = (spec: Partial<FindingSpec>, edit?: (d: Record<string, any>) => void) =>
            decide(parseFindingEvent(withDetail(spec, edit)), rules, "quarantine/");

        it("notifies for policy findings, samples and objects already in quarantine, even when High and public", () => {
            const policy = decideFor({ severity: "High", objectPublic: true }, d => {
                d.category = "POLICY";
                delete d.resourcesAffected.s3Object;
            });
            assert.deepEqual([policy.action, policy.reasons], ["NOTIFY", ["policy finding: there is no object to quarantine"]]);
            assert.equal(decideFor({ severity: "High", objectPublic: true }, d => (d.sample = true)).action, "NOTIFY");
            assert.equal(decideFor({ severity: "High", key: "quarantine/v1/x.csv" }).action, "NOTIFY");
        });

        it("quarantines High by default and notifies Medium and Low", () => {
            assert.equal(decideFor({ severity: "High" }).action, "QUARANTINE");
            assert.equal(decideFor({ severity: "Medium" }).action, "NOTIFY");
            assert.equal(decideFor({ severity: "Low" }).action, "NOTIFY");
        });

        it("never quarantines without a version to pin or outside enrolled buckets (property)", () => {
            fc.assert(
                fc.property(
                    fc.constantFrom("Low", "Medium", "High"),
                    fc.boolean(),
                    fc.constantFrom("PUBLIC", "NOT_PUBLIC", "UNKNOWN"),
                    fc.boolean(),
                    fc.boolean(),
                    (severity, objectPublic, bucketPermission, versioned, enrolled) => {
                        const decision = decideFor({
                            severity: severity,
                            objectPublic,
                            bucketPermission: bucketPermission,
                            versionId: versioned ? "v1" : undefined,
                            bucketTags: enrolled ? { RequireMacieScan: "True" } : { RequireMacieScan: "False" },
                        });
                        const expected = versioned && enrolled && (severity === "High" || objectPublic || bucketPermission === "PUBLIC");
                        assert.equal(decision.action, expected ? "QUARANTINE" : "NOTIFY");
                        assert.equal(decision.reasons.length, 1);
                    },
                ),
            );
        });
    });

    describe("handler", () => {
        it("decides from the payload the state machine sends", async () => {
            const decision = await handler({ event: withDetail({ severity: "High" }), rules: {}, quarantinePrefix: "quarantine/" });
            assert.equal(decision.action, "QUARANTINE");
            assert.equal(decision.finding.findingId, base.findingId);
        });

        it("raises InvalidFindingEvent (not retried) for a malformed finding or payload", async () => {
            await assert.rejects(handler({ event: { hello: "world" }, rules: {}, quarantinePrefix: "quarantine/" }), {
                name: "InvalidFindingEvent",
            });
            await assert.rejects(handler({ event: withDetail({}), rules: { severityThreshold: "Critical" }, quarantinePrefix: "q/" }), {
                name: "InvalidFindingEvent",
            });
            await assert.rejects(handler({ event: withDetail({}), rules: {}, quarantinePrefix: "../" }), { name: "InvalidFindingEvent" });
        });
    });
});
