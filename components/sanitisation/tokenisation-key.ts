import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type KeyRef, keyUseStatement } from "../../iam/documents";
import type { AccountScope } from "../../naming/resources";
import { BundledFunction } from "../compute/bundled-function";

export interface TokenisationKeyArgs {
    scope: AccountScope;
    /** Secret name, e.g. lakewarden/prod/sanitise/dev/token-key. */
    secretName: string;
    /** Short name of the rotation function (lakewarden-<env>-<functionName>). */
    functionName: string;
    /** Encrypts the secret, the rotation function's environment and logs. */
    key: KeyRef;
    /** Days between rotations (Secrets Manager RotationRules.AutomaticallyAfterDays: 1-1000). */
    rotationDays: number;
    /** Glue jobs that tokenise with the key: rotation resets their bookmarks so the next run rebuilds every partition. */
    jobNames: string[];
}

/**
 * The tokenisation key of one production → lower-environment pairing: a Secrets Manager secret under the
 * pairing's customer key, rotated by lambdas/sanitise-key-rotation (a random key has no service to update,
 * so the four rotation steps are small; see that folder). No value is written by the program: the first
 * rotation, which Secrets Manager starts when rotation is configured (RotateImmediately defaults to true),
 * puts the first key, so the key never passes through Pulumi state.
 */
export class TokenisationKey extends pulumi.ComponentResource {
    readonly secret: aws.secretsmanager.Secret;
    /** Partial ARN (no random suffix), known from the model; GetSecretValue accepts it (Secrets Manager API reference, SecretId). */
    readonly partialArn: string;
    /** IAM resource pattern of the secret: Secrets Manager appends "-" and six random characters to the name. */
    readonly arnPattern: string;
    readonly rotation: BundledFunction;

    constructor(name: string, args: TokenisationKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:sanitisation:TokenisationKey", name, {}, opts);
        const { scope } = args;
        if (!Number.isInteger(args.rotationDays) || args.rotationDays < 1 || args.rotationDays > 1000) {
            throw new Error(`TokenisationKey ${name}: rotationDays ${args.rotationDays} is outside Secrets Manager's 1-1000`);
        }
        this.partialArn = `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${args.secretName}`;
        this.arnPattern = `${this.partialArn}-??????`;
        this.secret = new aws.secretsmanager.Secret(
            name,
            {
                name: args.secretName,
                description: "Tokenisation key (HMAC-SHA256) of the sanitisation jobs; rotated by its Lambda, never logged",
                kmsKeyId: args.key.arn,
                recoveryWindowInDays: 30,
            },
            { parent: this },
        );
        this.rotation = new BundledFunction(
            `${name}-rotation`,
            {
                scope,
                key: args.key,
                functionName: args.functionName,
                description: `Rotates ${args.secretName} and resets the bookmarks of the jobs that tokenise with it`,
                entry: "lambdas/sanitise-key-rotation/handler.ts",
                timeoutSeconds: 60,
                environment: { JOB_NAMES: JSON.stringify(args.jobNames) },
                statements: [
                    {
                        Sid: "RotateTheSecret",
                        Effect: "Allow",
                        Action: [
                            "secretsmanager:DescribeSecret",
                            "secretsmanager:GetSecretValue",
                            "secretsmanager:PutSecretValue",
                            "secretsmanager:UpdateSecretVersionStage",
                        ],
                        Resource: [this.arnPattern],
                    },
                    keyUseStatement("SecretKeyViaSecretsManager", scope, args.key, ["kms:Decrypt", "kms:GenerateDataKey"], "secretsmanager"),
                    // ResetJobBookmark has no resource type in the Service Authorization Reference: it is authorised on "*" only.
                    ...(args.jobNames.length > 0
                        ? [{ Sid: "ResetJobBookmarks", Effect: "Allow" as const, Action: ["glue:ResetJobBookmark"], Resource: ["*"] }]
                        : []),
                ],
            },
            { parent: this },
        );
        // Secrets Manager invokes the function as the service, for this secret only (User Guide, "Permissions for rotation").
        const permission = new aws.lambda.Permission(
            `${name}-rotation`,
            {
                function: this.rotation.function.name,
                action: "lambda:InvokeFunction",
                principal: "secretsmanager.amazonaws.com",
                sourceArn: this.secret.arn,
                sourceAccount: scope.accountId,
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretRotation(
            name,
            { secretId: this.secret.id, rotationLambdaArn: this.rotation.arn, rotationRules: { automaticallyAfterDays: args.rotationDays } },
            { parent: this, dependsOn: [permission, this.rotation] },
        );
        this.registerOutputs({ secretArn: this.secret.arn, rotationFunction: this.rotation.name });
    }
}
