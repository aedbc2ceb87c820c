import assert from "node:assert/strict";
import type { DecisionRulesInput } from "../../../lambdas/macie-decision/rules";
import type { FindingSpec } from "../../../support/remediation/fixtures";
import { assertQuarantined, assertUntouched, seed } from "../../../support/remediation/scenario";
import { useRemediationEnvironment } from "../../../support/remediation/remediation-environment";
import { createWorld, type World } from "../../../support/remediation/world";

interface Case {
    title: string;
    rules: DecisionRulesInput;
    finding: Partial<FindingSpec>;
    quarantined: boolean;
    reason: string;
}

const cases: Case[] = [
    {
        title: "a lower severity threshold quarantines Medium",
        rules: { severityThreshold: "Medium" },
        finding: { severity: "Medium" },
        quarantined: true,
        reason: "severity Medium is at or above the threshold Medium",
    },
    {
        title: "public exposure can be left to severity alone",
        rules: { quarantinePublic: false },
        finding: { severity: "Low", objectPublic: true },
        quarantined: false,
        reason: "severity Low is below the threshold High and the object is not public",
    },
    {
        title: "finding types outside the configured list only notify",
        rules: { findingTypes: ["SensitiveData:S3Object/Credentials"] },
        finding: { severity: "High", type: "SensitiveData:S3Object/Personal" },
        quarantined: false,
        reason: "finding type SensitiveData:S3Object/Personal is not configured for automatic quarantine",
    },
    {
        title: "an allowlisted bucket owner keeps high-severity private data",
        rules: { bucketOwnerAllowlist: ["payments-team"] },
        finding: { severity: "High" },
        quarantined: false,
        reason: "bucket owner payments-team is allowlisted to hold this data",
    },
    {
        title: "public exposure overrides the owner allowlist",
        rules: { bucketOwnerAllowlist: ["payments-team"] },
        finding: { severity: "Low", bucketPermission: "PUBLIC" },
        quarantined: true,
        reason: "object is publicly accessible",
    },
    {
        title: "a bucket without the enrolment tag only notifies",
        rules: {},
        finding: { severity: "High", bucketTags: { BucketOwner: "payments-team" } },
        quarantined: false,
        reason: "bucket is not enrolled in remediation (tag RequireMacieScan=True missing)",
    },
    {
        title: "a finding without a version id (unversioned bucket) only notifies",
        rules: {},
        finding: { severity: "High", versionId: undefined },
        quarantined: false,
        reason: "bucket is not versioned: no version id to pin the exact object, quarantine needs one",
    },
];

describe("quarantine workflow decision rules from config", () => {
    useRemediationEnvironment();
    let world: World;
    afterEach(() => world.dispose());

    for (const c of cases) {
        it(c.title, async () => {
            world = await createWorld({ rules: c.rules });
            const finding = seed(world, 11, c.finding);

            const outcome = await world.quarantine.run(finding.event);

            assert.equal(outcome.status, "SUCCEEDED");
            if (c.quarantined) assertQuarantined(world, finding);
            else assertUntouched(world, finding);
            const [notice] = world.notifications;
            assert.equal(notice.kind, c.quarantined ? "QUARANTINED" : "FINDING");
            assert.deepEqual("reasons" in notice ? notice.reasons : [], [c.reason]);
        });
    }
});
