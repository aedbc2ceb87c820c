/** ECS capacity providers: which ones are EC2 Auto Scaling groups this workflow can refresh. */

// AWS-managed providers with no instances of ours behind them.
const FARGATE_PROVIDERS: ReadonlySet<string> = new Set(["FARGATE", "FARGATE_SPOT"]);

export function isFargateProvider(name: string): boolean {
    return FARGATE_PROVIDERS.has(name);
}

const ASG_NAME_MARKER = ":autoScalingGroupName/";

/**
 * ECS stores what the provider was created with: the group's ARN
 * (`arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>`) or its bare name.
 */
export function autoScalingGroupNameOf(arnOrName: string): string {
    if (!arnOrName.startsWith("arn:")) return arnOrName;
    const at = arnOrName.indexOf(ASG_NAME_MARKER);
    const name = at === -1 ? "" : arnOrName.slice(at + ASG_NAME_MARKER.length);
    if (name === "") throw new Error(`not an Auto Scaling group ARN: ${arnOrName}`);
    return name;
}
