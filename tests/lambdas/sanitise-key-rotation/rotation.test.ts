import * as assert from "node:assert/strict";
import { GlueClient, ResetJobBookmarkCommand } from "@aws-sdk/client-glue";
import {
    DescribeSecretCommand,
    GetSecretValueCommand,
    PutSecretValueCommand,
    ResourceNotFoundException,
    SecretsManagerClient,
    UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { secretsPorts } from "../../../lambdas/sanitise-key-rotation/handler";
import { KEY_BYTES, rotate, RotationError, type RotationPorts } from "../../../lambdas/sanitise-key-rotation/rotation";

const SECRET = "arn:aws:secretsmanager:eu-west-1:222233334444:secret:lakewarden/prod/sanitise/dev/token-key-AbCdEf";
const JOBS = ["lakewarden-prod-sanitise-dev-company-employees", "lakewarden-prod-sanitise-dev-company-products"];

/** A secret in memory: versions with stages and values, as Secrets Manager keeps them during a rotation. */
function fakeSecret(versions: Record<string, { stages: string[]; value?: string }>, rotationEnabled = true) {
    const calls: string[] = [];
    const ports: RotationPorts = {
        describe: async () => ({ rotationEnabled, versions: Object.fromEntries(Object.entries(versions).map(([id, v]) => [id, [...v.stages]])) }),
        value: async (_id, versionId, stage) => (versions[versionId]?.stages.includes(stage) ? versions[versionId].value : undefined),
        putPending: async (_id, token, value) => {
            calls.push(`put ${token}`);
            versions[token] = { stages: ["AWSPENDING"], value };
        },
        moveCurrent: async (_id, to, from) => {
            calls.push(`current ${from ?? "-"} -> ${to}`);
            if (from) versions[from].stages = versions[from].stages.filter(s => s !== "AWSCURRENT").concat("AWSPREVIOUS");
            versions[to].stages = [...versions[to].stages.filter(s => s !== "AWSPENDING"), "AWSCURRENT"];
        },
        resetBookmark: async job => {
            calls.push(`reset ${job}`);
        },
    };
    return { ports, calls, versions };
}

const step = (Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret", token = "v2") => ({ Step, SecretId: SECRET, ClientRequestToken: token });

describe("tokenisation key rotation (four steps)", () => {
    it("creates a new random key, tests it, makes it current and resets every job's bookmark", async () => {
        const secret = fakeSecret({ v1: { stages: ["AWSCURRENT"], value: "a".repeat(64) }, v2: { stages: ["AWSPENDING"] } });
        await rotate(step("createSecret"), JOBS, secret.ports);
        const key = secret.versions.v2.value ?? "";
        assert.match(key, new RegExp(`^[0-9a-f]{${KEY_BYTES * 2}}$`));
        assert.notEqual(key, secret.versions.v1.value);
        await rotate(step("createSecret"), JOBS, secret.ports); // a retried step keeps the key it made
        assert.equal(secret.versions.v2.value, key);
        assert.match(await rotate(step("setSecret"), JOBS, secret.ports), /nothing to set/);
        assert.match(await rotate(step("testSecret"), JOBS, secret.ports), /usable key/);
        await rotate(step("finishSecret"), JOBS, secret.ports);
        assert.deepEqual(secret.versions.v2.stages, ["AWSCURRENT"]);
        assert.deepEqual(secret.versions.v1.stages, ["AWSPREVIOUS"]);
        assert.deepEqual(secret.calls, ["put v2", "current v1 -> v2", ...JOBS.map(j => `reset ${j}`)]);
    });

    it("puts the first key when there is no current version yet (rotation configured on an empty secret)", async () => {
        const secret = fakeSecret({ v1: { stages: ["AWSPENDING"] } });
        for (const s of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) await rotate(step(s, "v1"), JOBS, secret.ports);
        assert.deepEqual(secret.versions.v1.stages, ["AWSCURRENT"]);
        assert.deepEqual(secret.calls.slice(0, 2), ["put v1", "current - -> v1"]);
    });

    it("resets the bookmarks again when finishSecret is retried after the stage moved", async () => {
        const secret = fakeSecret({ v2: { stages: ["AWSCURRENT"], value: "b".repeat(64) } });
        await rotate(step("finishSecret"), JOBS, secret.ports);
        assert.deepEqual(
            secret.calls,
            JOBS.map(j => `reset ${j}`),
        );
    });

    it("refuses a secret without rotation, an unknown version, a version that is not pending, and a short key", async () => {
        await assert.rejects(rotate(step("createSecret"), JOBS, fakeSecret({ v2: { stages: ["AWSPENDING"] } }, false).ports), /not enabled for rotation/);
        await assert.rejects(rotate(step("createSecret"), JOBS, fakeSecret({ v1: { stages: ["AWSCURRENT"] } }).ports), /no version v2/);
        await assert.rejects(rotate(step("testSecret"), JOBS, fakeSecret({ v2: { stages: ["AWSPREVIOUS"] } }).ports), /not AWSPENDING/);
        const short = fakeSecret({ v2: { stages: ["AWSPENDING"], value: "short" } });
        await assert.rejects(rotate(step("testSecret"), JOBS, short.ports), (e: Error) => e instanceof RotationError && !e.message.includes("short"));
    });
});

describe("tokenisation key rotation: Secrets Manager and Glue calls", () => {
    let secrets: AwsClientStub<SecretsManagerClient>;
    let glue: AwsClientStub<GlueClient>;
    before(() => {
        secrets = mockClient(SecretsManagerClient);
        glue = mockClient(GlueClient);
    });
    afterEach(() => {
        secrets.reset();
        glue.reset();
    });
    after(() => {
        secrets.restore();
        glue.restore();
    });

    it("sends the pending key with its token, moves AWSCURRENT from the old version, resets each job's bookmark", async () => {
        secrets.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { v1: ["AWSCURRENT"], v2: ["AWSPENDING"] } });
        secrets.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "no such version", $metadata: {} }));
        const ports = secretsPorts(new SecretsManagerClient({ region: "eu-west-1" }), new GlueClient({ region: "eu-west-1" }));
        await rotate(step("createSecret"), JOBS, ports);
        const put = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input;
        assert.equal(put.ClientRequestToken, "v2");
        assert.deepEqual(put.VersionStages, ["AWSPENDING"]);
        assert.equal(put.SecretString?.length, KEY_BYTES * 2);
        await rotate(step("finishSecret"), JOBS, ports);
        assert.deepEqual(secrets.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input, {
            SecretId: SECRET,
            VersionStage: "AWSCURRENT",
            MoveToVersionId: "v2",
            RemoveFromVersionId: "v1",
        });
        assert.deepEqual(
            glue.commandCalls(ResetJobBookmarkCommand).map(c => c.args[0].input.JobName),
            JOBS,
        );
    });
});
