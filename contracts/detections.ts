// What PII detection (Glue sensitive data detection, Macie) found in a catalogued column: written by the
// discovery reporter (Glue column parameter + exported report), read by the sanitiser and the plan.
import { z } from "zod";

/** Glue column parameter holding the detected entity types, comma-separated (empty or absent = none). */
export const DETECTED_ENTITIES_PARAMETER = "lakewarden:detected-entities";

const detectionSchema = z.strictObject({
    database: z.string().min(1),
    table: z.string().min(1),
    column: z.string().min(1),
    /** Entity types as the detector names them, e.g. EMAIL, PERSON_NAME, USA_SSN, CREDIT_CARD. */
    entityTypes: z.array(z.string().min(1)).min(1),
    source: z.enum(["glue-sensitive-data-detection", "macie"]),
    /** ISO-8601 time of the detection run. */
    detectedAt: z.iso.datetime(),
});

export const detectionsSchema = z.array(detectionSchema);

export type Detection = z.infer<typeof detectionSchema>;
