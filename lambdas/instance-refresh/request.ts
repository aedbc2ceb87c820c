import { z } from "zod";
import { InvalidRequestError } from "../fleet-discovery/errors";
import type { PreparedGroup } from "../launch-template-version/contract";
import { OUTCOMES, type RefreshRequest } from "./contract";

/** Schemas for the refresh settings; the workflow builder validates its configuration with the same ones. */

const seconds = z.number().int().min(0).max(172_800);

export const refreshPreferencesSchema = z
    .object({
        minHealthyPercentage: z.number().int().min(0).max(100),
        maxHealthyPercentage: z.number().int().min(100).max(200).optional(),
        instanceWarmupSeconds: seconds,
        checkpointPercentages: z
            .array(z.number().int().min(1).max(100))
            .min(1)
            .refine(list => list.every((value, i) => i === 0 || value > list[i - 1]), "must be strictly ascending")
            .refine(list => list[list.length - 1] === 100, "must end at 100 so every instance is replaced")
            .optional(),
        checkpointDelaySeconds: seconds.optional(),
        bakeTimeSeconds: seconds.optional(),
        // Instance refresh accepts at most 10 alarms.
        alarmNames: z.array(z.string().min(1).max(255)).max(10),
        skipMatching: z.boolean(),
    })
    .refine(p => p.maxHealthyPercentage === undefined || p.maxHealthyPercentage - p.minHealthyPercentage <= 100, {
        message: "maxHealthyPercentage may exceed minHealthyPercentage by at most 100",
    })
    .refine(p => p.checkpointDelaySeconds === undefined || p.checkpointPercentages !== undefined, {
        message: "checkpointDelaySeconds needs checkpointPercentages",
    });

export const pollingSchema = z
    .object({
        initialIntervalSeconds: z.number().int().min(1).max(3600),
        maxIntervalSeconds: z.number().int().min(1).max(3600),
        backoffRate: z.number().min(1).max(10),
        timeoutSeconds: z.number().int().min(60).max(604_800),
    })
    .refine(p => p.maxIntervalSeconds >= p.initialIntervalSeconds, { message: "maxIntervalSeconds must be at least initialIntervalSeconds" });

const preparedGroupSchema = z.looseObject({
    autoScalingGroupName: z.string().min(1),
    launchTemplate: z.looseObject({ launchTemplateId: z.string().min(1) }),
    targetVersion: z.string().regex(/^[1-9][0-9]*$/),
});

const trackingSchema = z.object({
    autoScalingGroupName: z.string().min(1),
    instanceRefreshId: z.string().min(1),
    status: z.string(),
    outcome: z.enum(OUTCOMES),
    statusReason: z.string(),
    percentageComplete: z.number(),
    attempt: z.number().int().min(0),
    nextPollSeconds: z.number().int().min(1),
    deadline: z.iso.datetime(),
    rollbackRequested: z.boolean(),
    adopted: z.boolean(),
});

const requestSchema = z.discriminatedUnion("action", [
    z.object({ action: z.literal("start"), group: preparedGroupSchema, preferences: refreshPreferencesSchema, polling: pollingSchema }),
    z.object({ action: z.literal("describe"), tracking: trackingSchema, polling: pollingSchema }),
    z.object({ action: z.literal("rollback"), tracking: trackingSchema, polling: pollingSchema }),
]);

export function readRefreshRequest(payload: unknown): RefreshRequest {
    const parsed = requestSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidRequestError(`invalid instance refresh request:\n${z.prettifyError(parsed.error)}`);
    const request = parsed.data;
    return request.action === "start" ? { ...request, group: request.group as unknown as PreparedGroup } : request;
}
