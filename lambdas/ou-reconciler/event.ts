import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";

/**
 * Every invocation reconciles everything; the event only says whether to write and what triggered it
 * (the hourly schedule, an Organizations change forwarded from the management account, or a person).
 */

const directSchema = z.looseObject({
    // Strictly boolean: `"dryRun": "true"` must not silently become a run that writes.
    dryRun: z.boolean().optional(),
});

/** EventBridge events (Powertools' envelope); CloudTrail-delivered Organizations calls name the API in detail.eventName. */
const eventSchema = EventBridgeSchema.extend({ detail: z.looseObject({ eventName: z.string().optional() }) });

export interface Invocation {
    dryRun: boolean;
    trigger: string;
}

function invalid(error: z.ZodError): Error {
    return new Error(`invalid event:\n${z.prettifyError(error)}`);
}

export function readInvocation(event: unknown): Invocation {
    const input = event ?? {};
    if (typeof input === "object" && "detail-type" in input) {
        const parsed = eventSchema.safeParse(input);
        if (!parsed.success) throw invalid(parsed.error);
        const { source, detail } = parsed.data;
        if (source === "aws.events") return { dryRun: false, trigger: "schedule" };
        if (source === "aws.organizations") return { dryRun: false, trigger: `organizations:${detail.eventName ?? parsed.data["detail-type"]}` };
        return { dryRun: false, trigger: `${source}:${parsed.data["detail-type"]}` };
    }
    const parsed = directSchema.safeParse(input);
    if (!parsed.success) throw invalid(parsed.error);
    return { dryRun: parsed.data.dryRun ?? false, trigger: "direct invocation" };
}
