/**
 * Rotation of the sanitisation tokenisation key (a Secrets Manager secret holding random bytes, no external
 * service to update). Secrets Manager calls the function four times per rotation with
 * { Step, SecretId, ClientRequestToken } (Secrets Manager User Guide, "Lambda rotation functions" and the
 * generic rotation template, aws-samples/aws-secrets-manager-rotation-lambdas SecretsManagerRotationTemplate):
 *   createSecret  put a new random key as version ClientRequestToken with stage AWSPENDING (idempotent);
 *   setSecret     nothing: the key is used by the jobs only, no database or service holds a copy;
 *   testSecret    the pending version is a key the job accepts (core.key_from_secret: at least 32 bytes);
 *   finishSecret  move AWSCURRENT to the pending version, then reset the job bookmarks of the jobs that
 *                 tokenise with the key, so their next run rebuilds every partition with the new key and
 *                 tokens stay joinable across tables and partitions (a bookmarked run would mix keys).
 * The key is never logged; errors name the secret and the version only.
 */
import { randomBytes } from "node:crypto";

/** core.key_from_secret refuses keys shorter than 32 bytes; rotation makes 64 random bytes, hex encoded (SecretString). */
export const KEY_BYTES = 64;
const MIN_KEY_BYTES = 32;

type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";

export interface RotationEvent {
    Step: RotationStep;
    SecretId: string;
    ClientRequestToken: string;
}

interface SecretVersions {
    rotationEnabled: boolean;
    /** Version id -> its staging labels. */
    versions: Record<string, string[]>;
}

/** What rotation needs from Secrets Manager and Glue (the handler adapts the SDK clients). */
export interface RotationPorts {
    describe(secretId: string): Promise<SecretVersions>;
    /** The version's SecretString, or undefined when that version/stage does not exist. */
    value(secretId: string, versionId: string, stage: string): Promise<string | undefined>;
    putPending(secretId: string, token: string, value: string): Promise<void>;
    moveCurrent(secretId: string, toVersion: string, fromVersion: string | undefined): Promise<void>;
    resetBookmark(jobName: string): Promise<void>;
}

export class RotationError extends Error {}

export async function rotate(event: RotationEvent, jobNames: readonly string[], ports: RotationPorts): Promise<string> {
    const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
    const metadata = await ports.describe(secretId);
    if (!metadata.rotationEnabled) throw new RotationError(`secret ${secretId} is not enabled for rotation`);
    const stages = metadata.versions[token];
    if (!stages) throw new RotationError(`secret ${secretId} has no version ${token} to rotate to`);
    if (stages.includes("AWSCURRENT") && step !== "finishSecret") return `version ${token} is already AWSCURRENT`;
    if (!stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT")) {
        throw new RotationError(`version ${token} of ${secretId} is not AWSPENDING`);
    }
    switch (step) {
        case "createSecret": {
            if ((await ports.value(secretId, token, "AWSPENDING")) !== undefined) return `version ${token} already holds a key`;
            await ports.putPending(secretId, token, randomBytes(KEY_BYTES).toString("hex"));
            return `created version ${token}`;
        }
        case "setSecret":
            return "nothing to set: no service holds the key";
        case "testSecret": {
            const pending = await ports.value(secretId, token, "AWSPENDING");
            if (pending === undefined || Buffer.byteLength(pending, "utf8") < MIN_KEY_BYTES) {
                throw new RotationError(`version ${token} of ${secretId} is not a key of at least ${MIN_KEY_BYTES} bytes`);
            }
            return `version ${token} is a usable key`;
        }
        case "finishSecret": {
            const current = Object.entries(metadata.versions).find(([, labels]) => labels.includes("AWSCURRENT"))?.[0];
            if (current !== token) {
                await ports.moveCurrent(secretId, token, current);
            }
            for (const job of jobNames) {
                await ports.resetBookmark(job);
            }
            return `version ${token} is AWSCURRENT; bookmarks reset for ${jobNames.length} job(s)`;
        }
    }
}
