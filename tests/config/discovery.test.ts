import * as assert from "node:assert/strict";
import { parseEnvironment } from "../../config/environment";
import { expectProblem, rawOf } from "../helpers/config";

const withDiscovery = (discovery: unknown) => ({ ...rawOf("dev"), discovery });

describe("discovery config (lakewarden:discovery)", () => {
    it("fills the defaults of the dev section", () => {
        const env = parseEnvironment("dev", rawOf("dev"));
        assert.ok(env.discovery);
        assert.deepEqual(env.discovery.optInTag, { key: "lakewarden:discover", value: "true" });
        assert.equal(env.discovery.schedules.detection, "cron(0 2 * * ? *)");
        assert.equal(env.discovery.recordTags.lawfulBasis, "gdpr:lawful-basis");
        assert.equal(env.discovery.records[0].database, "company");
        assert.equal(parseEnvironment("dev", { ...rawOf("dev"), discovery: undefined }).discovery, undefined);
    });

    it("names the key of each bad value", () => {
        expectProblem(withDiscovery({ producers: ["analytics"] }), "lakewarden:discovery.producers[0]", /role consumer, expected producer/);
        expectProblem(withDiscovery({ producers: ["nobody"] }), "lakewarden:discovery.producers[0]", /unknown account "nobody"/);
        expectProblem(withDiscovery({ producers: ["producer"], schedules: { detection: "rate(1 day)" } }), "lakewarden:discovery.schedules.detection", /Glue cron/);
        expectProblem(withDiscovery({ producers: ["producer"], records: [{ database: "missing" }] }), "lakewarden:discovery.records[0].database", /not in lakewarden:datasets/);
        expectProblem(withDiscovery({ producers: ["producer"], detection: { sampleFraction: 0 } }), "lakewarden:discovery.detection.sampleFraction", /.+/);
        expectProblem(withDiscovery({ producers: ["producer"], datasetTag: "lakewarden:discover" }), "lakewarden:discovery.datasetTag", /duplicate discovery tag key "lakewarden:discover"/);
    });
});
