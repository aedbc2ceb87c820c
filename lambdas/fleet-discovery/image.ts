import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";
import { ImageNotAllowedError, ImageNotAvailableError, InvalidRequestError } from "./errors";

/**
 * Which AMI a run rolls out. The Image Builder state-change event names the image build, not the AMI,
 * so for an event the AMI id comes from the SSM parameter the distribution writes in this account.
 */

const AMI_ID = /^ami-[0-9a-f]{8,17}$/;

/** Powertools' EventBridge envelope; `resources` holds the image build version ARN. */
const imageStateChangeSchema = EventBridgeSchema.extend({
    source: z.literal("aws.imagebuilder"),
    "detail-type": z.literal("EC2 Image Builder Image State Change"),
    detail: z.object({ state: z.object({ status: z.string() }) }),
});

export type ImageSource = { kind: "explicit"; imageId: string } | { kind: "parameter"; imageBuildVersionArn: string | undefined };

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function imageSourceOf(input: unknown): ImageSource {
    if (!isRecord(input)) throw new InvalidRequestError("execution input must be an object");
    if (input.imageId !== undefined) {
        if (typeof input.imageId !== "string" || !AMI_ID.test(input.imageId)) {
            throw new InvalidRequestError(`imageId must look like ami-0123456789abcdef0, got ${JSON.stringify(input.imageId)}`);
        }
        return { kind: "explicit", imageId: input.imageId };
    }
    if (input.source === "aws.imagebuilder") {
        const parsed = imageStateChangeSchema.safeParse(input);
        if (!parsed.success) throw new InvalidRequestError(`not an EC2 Image Builder Image State Change event:\n${z.prettifyError(parsed.error)}`);
        const { status } = parsed.data.detail.state;
        if (status !== "AVAILABLE") throw new ImageNotAvailableError(`image state is ${JSON.stringify(status)}, only AVAILABLE images are rolled out`);
        return { kind: "parameter", imageBuildVersionArn: parsed.data.resources[0] };
    }
    throw new InvalidRequestError("execution input must carry an imageId or be an EC2 Image Builder Image State Change event");
}

export function checkImageId(value: string, origin: string): string {
    if (!AMI_ID.test(value)) throw new InvalidRequestError(`${origin} does not hold an AMI id: ${JSON.stringify(value)}`);
    return value;
}

export interface ImageFacts {
    imageId: string;
    ownerId: string | undefined;
    state: string | undefined;
}

/** Refuses an AMI that is missing, not yet available, or owned by an account outside the allow-list. */
export function assertImageAllowed(imageId: string, facts: ImageFacts | undefined, allowedOwners: readonly string[]): void {
    if (facts === undefined) throw new ImageNotAllowedError(`${imageId} is not visible to this account`);
    if (facts.state !== "available") throw new ImageNotAvailableError(`${imageId} is ${facts.state ?? "in an unknown state"}, not available`);
    if (facts.ownerId === undefined || !allowedOwners.includes(facts.ownerId)) {
        throw new ImageNotAllowedError(`${imageId} is owned by ${facts.ownerId ?? "an unknown account"}, not by ${allowedOwners.join(", ")}`);
    }
}
