/** Payloads the quarantine and release workflows send to the object Lambdas. */
import { z } from "zod";
import { InvalidTransferRequest } from "../shared/s3-transfer/errors";

export const objectLocationSchema = z.strictObject({
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    partition: z.enum(["aws", "aws-cn", "aws-us-gov"]),
    // Buckets created in us-east-1 before 1 March 2018 may have up to 255 characters with uppercase
    // letters and underscores (S3 User Guide, "General purpose bucket naming rules", legacy names).
    bucket: z.string().regex(/^[A-Za-z0-9._-]{3,255}$/),
    key: z.string().min(1),
});

export const versionRefSchema = z.strictObject({
    key: z.string().min(1),
    versionId: z
        .string()
        .min(1)
        .refine(v => v !== "null", { error: "an explicit version id is required" }),
});

export const objectVersionSchema = objectLocationSchema.extend({ versionId: versionRefSchema.shape.versionId });

export const expectedSchema = z.strictObject({
    /** DynamoDB numbers reach the payload as strings. */
    size: z.coerce.number().int().nonnegative(),
    /** formatChecksum of the kept copy ("ALGORITHM:TYPE:value"). */
    checksum: z.string().min(1),
});

/** Where a streamed verification stopped (content-match.ts StreamProgress). */
export const progressSchema = z.strictObject({ offset: z.number().int().nonnegative(), crc32: z.number().int().nonnegative() });

export const findingIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown): T {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
        throw new InvalidTransferRequest(z.prettifyError(parsed.error));
    }
    return parsed.data;
}

/** The first path segment of a quarantine key ("quarantine/"), the prefix its grants widen to. */
export function topPrefix(key: string): string {
    return `${key.split("/")[0]}/`;
}
