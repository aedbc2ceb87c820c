/**
 * The decision on findings Macie really produced (tests/fixtures/aws/macie, sources in SOURCES.md):
 * JSON nulls, "" version ids, keys with spaces, custom data identifiers, policy findings.
 */
import assert from "node:assert/strict";
import { decide } from "../../../lambdas/macie-decision/decide";
import { parseFindingEvent } from "../../../lambdas/macie-decision/finding";
import { decidePayload } from "../../../lambdas/macie-decision/handler";
import { decisionRulesSchema } from "../../../lambdas/macie-decision/rules";
import { awsFixture, macieFindingEvent } from "../../fixtures/aws/load";

const PUBLIC_CSV = "macie/finding-custom-identifier-public-csv.json";
const XLSX_WITH_SPACE = "macie/finding-personal-xlsx-key-with-space.json";
const POLICY = "macie/finding-policy-bucket-public-read.json";

// The lab buckets carry no tags: decide on every bucket Macie reports.
const rules = decisionRulesSchema.parse({ enrolmentTag: null });
const event = (path: string, edit: (finding: Record<string, any>) => void = () => undefined) => {
    const finding = awsFixture(path);
    edit(finding);
    return macieFindingEvent(finding);
};
const decideOn = (e: Record<string, unknown>) => decide(parseFindingEvent(e), rules, "quarantine/");

describe("macie-decision on real Macie findings", () => {
    it("accepts the JSON nulls of a real finding (object publicAccess, kmsMasterKeyId, status.reason)", () => {
        const raw = awsFixture(PUBLIC_CSV);
        assert.equal(raw.resourcesAffected.s3Object.publicAccess, null, "the fixture carries the null this test is about");
        const { summary } = parseFindingEvent(macieFindingEvent(raw));
        assert.deepEqual(
            [summary.findingType, summary.publicStatus, summary.bucketOwner, summary.bucket, summary.key, summary.versionId, summary.size],
            ["SensitiveData:S3Object/CustomIdentifier", "PUBLIC", "labsorganization93", "whizlabs.183836.81670451", "sample_data.csv", null, 80],
        );
    });

    it("accepts nulls wherever Macie may write them", () => {
        const withNulls = event(PUBLIC_CSV, f => {
            Object.assign(f, { title: null, sample: null, partition: null });
            f.severity.score = null;
            Object.assign(f.resourcesAffected.s3Bucket, { tags: null, owner: { displayName: null, id: null }, publicAccess: null });
            Object.assign(f.resourcesAffected.s3Object, { versionId: null, eTag: null, size: null });
        });
        const { summary } = parseFindingEvent(withNulls);
        assert.deepEqual(
            [summary.publicStatus, summary.bucketOwner, summary.title, summary.partition, summary.sample],
            ["UNKNOWN", "unknown", "SensitiveData:S3Object/CustomIdentifier", "aws", false],
        );
    });

    it("quarantines the real public-bucket finding once the object has a version to pin", async () => {
        // Exported from an unversioned bucket (versionId ""): notify, say why.
        const asExported = decidePayload({ event: event(PUBLIC_CSV), rules: { enrolmentTag: null }, quarantinePrefix: "quarantine/" });
        assert.deepEqual(
            [asExported.action, asExported.reasons],
            ["NOTIFY", ["bucket is not versioned: no version id to pin the exact object, quarantine needs one"]],
        );
        // The same finding from a versioned bucket: Medium, but public, so quarantined.
        const versioned = decidePayload({
            event: event(PUBLIC_CSV, f => (f.resourcesAffected.s3Object.versionId = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")),
            rules: { enrolmentTag: null },
            quarantinePrefix: "quarantine/",
        });
        assert.deepEqual([versioned.action, versioned.reasons], ["QUARANTINE", ["object is publicly accessible"]]);
        assert.equal(versioned.finding.versionId, "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
    });

    it("keeps a key with a space exactly as Macie reports it", () => {
        const decision = decideOn(event(XLSX_WITH_SPACE, f => (f.resourcesAffected.s3Object.versionId = "v2")));
        assert.equal(decision.finding.key, "Full name.xlsx");
        assert.equal(decision.finding.publicStatus, "NOT_PUBLIC");
        assert.deepEqual(decision.reasons, ["severity Low is below the threshold High and the object is not public"]);
    });

    it("notifies for a real policy finding: no object to quarantine", () => {
        assert.deepEqual(decideOn(event(POLICY)).reasons, ["policy finding: there is no object to quarantine"]);
    });

    it("decides the same for each object format Macie classifies (JSON, Parquet, Avro, CSV)", () => {
        // mimeType values from the Macie API Reference (GetSensitiveDataOccurrencesAvailability).
        for (const [mimeType, key] of [
            ["application/json", "exports/customers 2024.json"],
            ["application/parquet", "lake/part-00000-c000.snappy.parquet"],
            ["application/avro", "stream/events.avro"],
            ["text/csv", "sample_data.csv"],
        ]) {
            const decision = decideOn(
                event(PUBLIC_CSV, f => {
                    f.classificationDetails.result.mimeType = mimeType;
                    Object.assign(f.resourcesAffected.s3Object, { key, versionId: "v1", extension: key.split(".").pop() });
                }),
            );
            assert.deepEqual([decision.action, decision.finding.key], ["QUARANTINE", key], mimeType);
        }
    });

    it("notifies, with the reason, for a bucket named before the 2018 naming rules", () => {
        const legacy = decideOn(
            event(PUBLIC_CSV, f => {
                f.resourcesAffected.s3Bucket.name = "Payroll_Exports_2016";
                f.resourcesAffected.s3Object.versionId = "v1";
            }),
        );
        assert.deepEqual(
            [legacy.action, legacy.reasons],
            [
                "NOTIFY",
                [
                    "bucket name Payroll_Exports_2016 predates the 2018 S3 naming rules (uppercase letters, underscores): " +
                        "the quarantine steps cannot address it, contain this object by hand",
                ],
            ],
        );
        const long = decideOn(event(PUBLIC_CSV, f => (f.resourcesAffected.s3Bucket.name = "a".repeat(64))));
        assert.match(long.reasons[0], /\(64 characters\)/);
    });
});
