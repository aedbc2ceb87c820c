/**
 * Names of the production → lower-environment sanitisation, derived from the two environments' names so
 * that the production stack's role and the lower environment's grants agree by construction
 * (tests/config/sanitisation.test.ts checks Pulumi.dev.yaml and Pulumi.prod.yaml against them).
 */
import { resourceName } from "./resources";

/** The production job role of one pairing: lakewarden-<production>-sanitise-<lower environment>. */
export function sanitisationRoleName(production: string, lowerEnvironment: string): string {
    return resourceName(production, "sanitise", lowerEnvironment);
}

/** One Glue job per table: lakewarden-<production>-sanitise-<lower>-<database>-<table>. */
export function sanitisationJobName(production: string, lowerEnvironment: string, database: string, table: string): string {
    return resourceName(production, "sanitise", lowerEnvironment, database, table);
}

/** Where a table's sanitised copy lives in the lower environment's bucket (its staging sits beside it, see job-arguments). */
export function sanitisedTablePrefix(prefix: string, database: string, table: string): string {
    return `${prefix}/${database}/${table}`;
}
