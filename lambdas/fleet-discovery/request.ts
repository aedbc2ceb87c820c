import { z } from "zod";
import { type DiscoveryRequest, MAX_GROUPS_PER_RUN } from "../../contracts/fleet-refresh";
import { InvalidRequestError } from "./errors";

/** The Lambda's payload as the state machine sends it; anything else is refused before any AWS call. */

const tagFilter = z.object({ key: z.string().min(1).max(128), value: z.string().max(256) });
const waveSize = z.number().int().min(1).max(100);

const requestSchema = z.object({
    source: z.unknown(),
    selection: z.object({
        // At least one tag: an empty selector would refresh every cluster in the account.
        requiredClusterTags: z.array(tagFilter).min(1),
        requireManagedDraining: z.boolean(),
    }),
    waves: z.object({ size: waveSize, firstWaveSize: waveSize.optional() }),
    maxGroups: z.number().int().min(1).max(MAX_GROUPS_PER_RUN),
});

export function readDiscoveryRequest(payload: unknown): DiscoveryRequest {
    const parsed = requestSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidRequestError(`invalid discovery request:\n${z.prettifyError(parsed.error)}`);
    const { source, selection, waves, maxGroups } = parsed.data;
    return {
        source,
        selection,
        waves: { size: waves.size, ...(waves.firstWaveSize !== undefined ? { firstWaveSize: waves.firstWaveSize } : {}) },
        maxGroups,
    };
}
