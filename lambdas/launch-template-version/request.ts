import { z } from "zod";
import type { RefreshGroup } from "../../contracts/fleet-refresh";
import { InvalidRequestError } from "../fleet-discovery/errors";
import type { PreparationRequest } from "./contract";

/** Checks the fields this step relies on; the rest of each group passes through untouched. */

const groupSchema = z.looseObject({
    clusterName: z.string().min(1),
    autoScalingGroupName: z.string().min(1),
    launchTemplate: z.looseObject({ launchTemplateId: z.string().regex(/^lt-[0-9a-f]{8,17}$/), version: z.string().min(1) }),
});

const requestSchema = z.object({
    imageId: z.string().regex(/^ami-[0-9a-f]{8,17}$/),
    waves: z.array(z.object({ index: z.number().int().min(0), groups: z.array(groupSchema).min(1) })),
});

export function readPreparationRequest(payload: unknown): PreparationRequest {
    const parsed = requestSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidRequestError(`invalid launch template request:\n${z.prettifyError(parsed.error)}`);
    return {
        imageId: parsed.data.imageId,
        waves: parsed.data.waves.map(wave => ({ index: wave.index, groups: wave.groups as unknown as RefreshGroup[] })),
    };
}
