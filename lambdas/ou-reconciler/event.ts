import { z } from "zod";

/**
 * Every invocation reconciles everything; the event only says whether to write and what triggered it
 * (the hourly schedule, an Organizations change forwarded from the management account, or a person).
 */

const eventSchema = z.looseObject({
  // Strictly boolean: `"dryRun": "true"` must not silently become a run that writes.
  dryRun: z.boolean().optional(),
  source: z.string().optional(),
  "detail-type": z.string().optional(),
  detail: z.unknown().optional(),
});

export interface Invocation {
  dryRun: boolean;
  trigger: string;
}

export function readInvocation(event: unknown): Invocation {
  const parsed = eventSchema.safeParse(event ?? {});
  if (!parsed.success) throw new Error(`invalid event:\n${z.prettifyError(parsed.error)}`);
  const { dryRun, source, detail } = parsed.data;
  const eventName = typeof detail === "object" && detail !== null && "eventName" in detail ? String(detail.eventName) : undefined;
  let trigger = "direct invocation";
  if (source === "aws.events") trigger = "schedule";
  else if (source === "aws.organizations") trigger = `organizations:${eventName ?? parsed.data["detail-type"] ?? "event"}`;
  return { dryRun: dryRun ?? false, trigger };
}
