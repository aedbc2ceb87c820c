import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { type Resource, stackPolicy } from "../../policy/lib/define";
import { bucketViews } from "../../policy/lib/s3";
import { PROVIDERS, runPolicyPack, typed } from "./helpers";

const deserialize = (require("@pulumi/policy/deserialize") as { deserializeProperties(s: Struct, proxySecrets: boolean): Record<string, unknown> })
    .deserializeProperties;

/** A stack policy that keeps what it was given, to see what two policies of one run share. */
function recorder(name: string, seen: { resources: Resource[]; views: unknown }[]) {
    return stackPolicy({
        name,
        concern: "s3",
        description: "records its input",
        severity: "low",
        remediationSteps: "none",
        anchors: {},
        resourceTypes: ["aws:s3/bucket:Bucket"],
        validateStack(resources) {
            seen.push({ resources, views: bucketViews(resources) });
        },
    });
}

describe("one classification of the stack for every policy", () => {
    it("deserialises a request's Struct once, whichever policy asks, and never a remediation's", () => {
        const struct = Struct.fromJavaScript({ bucket: "lw-data", tags: { owner: "data" } });
        const first = deserialize(struct, false);
        assert.equal(deserialize(struct, false), first);
        assert.deepEqual(first, { bucket: "lw-data", tags: { owner: "data" } });
        assert.notEqual(deserialize(Struct.fromJavaScript({ bucket: "lw-data", tags: { owner: "data" } }), false), first);
        assert.notEqual(deserialize(struct, true), first);
    });

    it("hands every stack policy of a run the same Resources and bucket views, and a new run its own", () => {
        const bucket = () => [PROVIDERS.producer, typed(aws.s3.Bucket, "data", { bucket: "lw-data" })];
        const seen: { resources: Resource[]; views: unknown }[] = [];
        const policies = [recorder("records-a", seen), recorder("records-b", seen)];
        runPolicyPack(bucket(), { policies, preview: true });
        assert.equal(seen.length, 2);
        assert.equal(seen[0].resources, seen[1].resources);
        assert.equal(seen[0].views, seen[1].views);

        const changed = bucket();
        changed[1].props.bucket = "lw-other";
        runPolicyPack(changed, { policies, preview: true });
        assert.notEqual(seen[2].resources, seen[0].resources);
        assert.equal(seen[2].resources.find(r => r.type === "aws:s3/bucket:Bucket")?.props.bucket, "lw-other");
        assert.equal(seen[3].resources, seen[2].resources);
    });
});
