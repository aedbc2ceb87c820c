/** Applies one queued CloudTrail event to the state table. */
import { parseSourceChange } from "../discovery-common/events";
import type { StateStore } from "../discovery-common/state";

export type IntakeOutcome = "added" | "reopened" | "duplicate" | "retired" | "unchanged" | "ignored";

export async function applyEvent(body: string, state: StateStore): Promise<{ outcome: IntakeOutcome; arn?: string; reason?: string }> {
    const change = parseSourceChange(JSON.parse(body));
    if (change.action === "none") return { outcome: "ignored", reason: `${change.eventName}: ${change.reason}` };
    if (change.action === "create") {
        return { outcome: await state.record(change.source, change.eventTime, `event:${change.eventId}`), arn: change.source.arn };
    }
    return { outcome: await state.retire(change.source.arn, change.eventTime, `${change.eventName} event ${change.eventId}`), arn: change.source.arn };
}
