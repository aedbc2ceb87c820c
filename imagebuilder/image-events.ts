const IMAGE_STATE_CHANGE = "EC2 Image Builder Image State Change";

/** The pattern both sides use: the build account's rule, and the fleet accounts' rules after forwarding. */
export function imageStatePattern(buildAccountId: string, statuses: string[]): string {
    return JSON.stringify({
        source: ["aws.imagebuilder"],
        account: [buildAccountId],
        "detail-type": [IMAGE_STATE_CHANGE],
        detail: { state: { status: statuses } },
    });
}

export function defaultBusArn(region: string, accountId: string): string {
    return `arn:aws:events:${region}:${accountId}:event-bus/default`;
}
