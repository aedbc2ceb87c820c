/**
 * Secrets Manager rotation function of a sanitisation tokenisation key (steps in ./rotation.ts).
 *
 * Env: JOB_NAMES (JSON list of the Glue jobs that tokenise with the key).
 * IAM (Secrets Manager User Guide, "Permissions for rotation"; Service Authorization Reference):
 *   on the secret: secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage;
 *   on the secret's customer key, through Secrets Manager: kms:Decrypt, kms:GenerateDataKey;
 *   on the jobs: glue:ResetJobBookmark.
 * Secrets Manager invokes it with lambda:InvokeFunction granted to secretsmanager.amazonaws.com for this secret.
 */
import { GlueClient, ResetJobBookmarkCommand } from "@aws-sdk/client-glue";
import {
    DescribeSecretCommand,
    GetSecretValueCommand,
    PutSecretValueCommand,
    ResourceNotFoundException,
    SecretsManagerClient,
    UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { instrumented, telemetry } from "../shared/telemetry";
import { rotate, type RotationPorts } from "./rotation";

const { logger, metrics } = telemetry("sanitise-key-rotation");
const eventSchema = z.object({
    Step: z.enum(["createSecret", "setSecret", "testSecret", "finishSecret"]),
    SecretId: z.string().min(1),
    ClientRequestToken: z.string().min(1),
});

export function secretsPorts(secrets: SecretsManagerClient, glue: GlueClient): RotationPorts {
    return {
        async describe(secretId) {
            const out = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
            return { rotationEnabled: out.RotationEnabled === true, versions: out.VersionIdsToStages ?? {} };
        },
        async value(secretId, versionId, stage) {
            try {
                const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId, VersionStage: stage }));
                return out.SecretString;
            } catch (error) {
                if (error instanceof ResourceNotFoundException) return undefined;
                throw error;
            }
        },
        async putPending(secretId, token, value) {
            await secrets.send(
                new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ["AWSPENDING"] }),
            );
        },
        async moveCurrent(secretId, toVersion, fromVersion) {
            await secrets.send(
                new UpdateSecretVersionStageCommand({
                    SecretId: secretId,
                    VersionStage: "AWSCURRENT",
                    MoveToVersionId: toVersion,
                    ...(fromVersion ? { RemoveFromVersionId: fromVersion } : {}),
                }),
            );
        },
        async resetBookmark(jobName) {
            await glue.send(new ResetJobBookmarkCommand({ JobName: jobName }));
        },
    };
}

const ports = secretsPorts(new SecretsManagerClient({}), new GlueClient({}));
const jobNames = z.array(z.string().min(1)).parse(JSON.parse(process.env.JOB_NAMES ?? "[]"));

export async function handler(raw: unknown): Promise<void> {
    const event = eventSchema.parse(raw);
    await instrumented(metrics, "RotationFailed", async () => {
        const outcome = await rotate(event, jobNames, ports);
        logger.info("rotation step", { step: event.Step, secretId: event.SecretId, version: event.ClientRequestToken, outcome });
    });
}
