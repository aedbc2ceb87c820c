import { z } from "zod";
import type { Account } from "./accounts";
import type { Dataset } from "./datasets";
import { accountId, accountIdOfArn, bucketName, catalogName, glueCron, kmsKeyArn, roleArn, shortName } from "./primitives";
import { checkAccountRef, checkUnique } from "./references";

/** Key prefix of the sanitised copies in the lower environment's bucket (tables and the job's staging live under it). */
const keyPrefix = z
    .string()
    .regex(/^[a-z0-9][a-z0-9/_-]{0,200}[a-z0-9]$/, { error: "expected a key prefix of lower-case letters, digits, '/', '_', '-' (no leading or trailing '/')" })
    .default("sanitised");

/**
 * Production side of a pairing: this stack's producer copies the named datasets, sanitised, to a
 * lower environment (another stack, usually another account) that declares this stack as its source.
 */
const targetSchema = z.strictObject({
    /** The lower environment's stack name (dev, staging, ...). */
    environment: shortName,
    /** The producer account of this stack that runs the jobs (it holds the datasets). */
    producer: shortName,
    /** Databases of lakewarden:datasets held by `producer`: one Glue job each. */
    datasets: z.array(catalogName).min(1, { error: "expected at least one dataset to copy" }),
    /** The lower environment's account, bucket, key and catalog database that receive the copy. */
    accountId,
    bucket: bucketName,
    prefix: keyPrefix,
    /** The lower-env bucket's key (an output of the lower environment's stack): published copies name it. */
    keyArn: kmsKeyArn,
    database: catalogName,
    schedule: glueCron.default("cron(0 3 * * ? *)"),
    /**
     * Days between rotations of the tokenisation key (Secrets Manager: 1-1000). A rotation resets the jobs'
     * bookmarks, so the next run rebuilds every partition and tokens stay joinable.
     */
    keyRotationDays: z.number().int().min(1).max(1000, { error: "expected 1-1000 days (Secrets Manager rotation rules)" }).default(90),
});

/**
 * Lower-environment side: the production environment whose job role may write into this stack's
 * lower-env bucket and encrypt with its key (nothing else is granted to it).
 */
const sourceSchema = z.strictObject({
    /** The production stack name. */
    environment: shortName,
    /** The producer account of this stack whose lower-env bucket, key and catalog receive the copy. */
    producer: shortName,
    accountId,
    /**
     * The production job role the bucket and key policies accept (aws:PrincipalArn), in `accountId`: the
     * production stack names it lakewarden-<environment>-sanitise-<this stack> (naming/sanitisation.ts).
     */
    jobRoleArn: roleArn,
    /** This stack's catalog database for the sanitised tables. */
    database: catalogName,
    /** Must equal the production target's prefix: only objects under it are writable by the job role. */
    prefix: keyPrefix,
});

/** `lakewarden:sanitisation`: production → lower-environment copies. Absent: none. */
export const sanitisationSchema = z
    .strictObject({
        targets: z.array(targetSchema).default([]),
        source: sourceSchema.optional(),
    })
    .optional();

export type Sanitisation = NonNullable<z.infer<typeof sanitisationSchema>>;

export function checkSanitisation(
    env: { accounts: Account[]; datasets: Pick<Dataset, "producer" | "database">[]; sanitisation?: Sanitisation },
    ctx: z.RefinementCtx,
): void {
    const sanitisation = env.sanitisation;
    if (!sanitisation) {
        return;
    }
    const localIds = new Set(env.accounts.map(a => a.id));
    sanitisation.targets.forEach((target, index) => {
        const path = ["sanitisation", "targets", index];
        checkAccountRef(env.accounts, ctx, [...path, "producer"], target.producer, ["producer"]);
        target.datasets.forEach((database, d) => {
            const dataset = env.datasets.find(ds => ds.database === database);
            const message = !dataset
                ? `database "${database}" is not in lakewarden:datasets`
                : dataset.producer !== target.producer
                  ? `database "${database}" is held by ${dataset.producer}, not ${target.producer}`
                  : undefined;
            if (message) {
                ctx.addIssue({ code: "custom", path: [...path, "datasets", d], message });
            }
        });
        checkUnique(
            ctx,
            target.datasets,
            d => d,
            d => [...path, "datasets", d],
            "sanitised dataset",
        );
        if (accountIdOfArn(target.keyArn) !== target.accountId) {
            ctx.addIssue({ code: "custom", path: [...path, "keyArn"], message: `the target key must be in the target account ${target.accountId}` });
        }
        if (localIds.has(target.accountId)) {
            ctx.addIssue({
                code: "custom",
                path: [...path, "accountId"],
                message: `${target.accountId} is an account of this stack: a lower environment is another environment`,
            });
        }
    });
    checkUnique(
        ctx,
        sanitisation.targets,
        t => t.environment,
        i => ["sanitisation", "targets", i, "environment"],
        "sanitisation target environment",
    );
    const source = sanitisation.source;
    if (source) {
        const path = ["sanitisation", "source"];
        checkAccountRef(env.accounts, ctx, [...path, "producer"], source.producer, ["producer"]);
        if (accountIdOfArn(source.jobRoleArn) !== source.accountId) {
            ctx.addIssue({
                code: "custom",
                path: [...path, "jobRoleArn"],
                message: `the production job role must be in the production account ${source.accountId}`,
            });
        }
        const roleName = source.jobRoleArn.split(":role/")[1] ?? "";
        if (!roleName.startsWith(`lakewarden-${source.environment}-sanitise-`)) {
            ctx.addIssue({
                code: "custom",
                path: [...path, "jobRoleArn"],
                message: `expected the role the ${source.environment} stack creates, lakewarden-${source.environment}-sanitise-<this stack>, got ${roleName}`,
            });
        }
        if (localIds.has(source.accountId)) {
            ctx.addIssue({
                code: "custom",
                path: [...path, "accountId"],
                message: `${source.accountId} is an account of this stack: the production source is another environment`,
            });
        }
    }
}
