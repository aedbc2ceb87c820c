/**
 * Step Functions task: decide what to do with one Macie finding.
 * Payload: { event: <EventBridge "Macie Finding" event>, rules: DecisionRules, quarantinePrefix }.
 */
import { z } from "zod";
import { quarantinePrefixSchema } from "../../contracts/quarantine";
import { decide, type Decision } from "./decide";
import { InvalidFindingEvent } from "./errors";
import { parseFindingEvent } from "./finding";
import { decisionRulesSchema } from "./rules";
import { countWith, telemetry } from "../shared/telemetry";

const { logger, metrics } = telemetry("macie-decision");

const payloadSchema = z.object({
    event: z.unknown(),
    rules: decisionRulesSchema,
    quarantinePrefix: quarantinePrefixSchema,
});

export function decidePayload(payload: unknown): Decision {
    const parsedPayload = payloadSchema.safeParse(payload);
    if (!parsedPayload.success) {
        throw new InvalidFindingEvent(`decision payload: ${z.prettifyError(parsedPayload.error)}`);
    }
    const { event, rules, quarantinePrefix } = parsedPayload.data;
    let finding;
    try {
        finding = parseFindingEvent(event);
    } catch (error) {
        throw new InvalidFindingEvent(error instanceof z.ZodError ? z.prettifyError(error) : String(error));
    }
    return decide(finding, rules, quarantinePrefix);
}

export const handler = async (payload: unknown): Promise<Decision> => {
    const decision = decidePayload(payload);
    logger.info("decided", { findingId: decision.finding.findingId, action: decision.action, reasons: decision.reasons });
    countWith(metrics, "FindingDecisions", "action", decision.action);
    return decision;
};
