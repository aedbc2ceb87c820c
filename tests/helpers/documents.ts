/** An IAM or resource policy document as the specs read it back from a recorded resource. */
export interface PolicyDoc {
    Statement: {
        Sid: string;
        Effect: string;
        Action: string[];
        Resource?: string[];
        Principal?: unknown;
        Condition?: Record<string, Record<string, unknown>>;
    }[];
}

/** The document of a recorded policy property (a JSON string). */
export function docOf(value: unknown): PolicyDoc {
    return JSON.parse(String(value)) as PolicyDoc;
}
