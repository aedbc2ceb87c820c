import { z } from "zod";

/** The Lambda's environment, checked once per invocation so a bad deployment fails loudly, not half-way. */

const optional = (schema: z.ZodString) => z.preprocess(value => (value === "" ? undefined : value), schema.optional());

const environmentSchema = z.object({
    MAPPING_PARAMETER_NAME: z.string().regex(/^\/?[a-zA-Z0-9_.\-/]{1,1011}$/, "must be an SSM parameter name"),
    ORG_READ_ROLE_ARN: optional(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "must be an IAM role ARN")),
    READ_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
    WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
});

export interface ReconcilerEnvironment {
    mappingParameterName: string;
    /** Read-only role in the management account; absent: call Organizations directly as delegated administrator. */
    orgReadRoleArn: string | undefined;
    readConcurrency: number;
    writeConcurrency: number;
}

export function readEnvironment(env: NodeJS.ProcessEnv): ReconcilerEnvironment {
    const parsed = environmentSchema.safeParse(env);
    if (!parsed.success) throw new Error(`invalid environment:\n${z.prettifyError(parsed.error)}`);
    return {
        mappingParameterName: parsed.data.MAPPING_PARAMETER_NAME,
        orgReadRoleArn: parsed.data.ORG_READ_ROLE_ARN,
        readConcurrency: parsed.data.READ_CONCURRENCY,
        writeConcurrency: parsed.data.WRITE_CONCURRENCY,
    };
}
