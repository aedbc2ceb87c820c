/** Console links per partition: commercial, China and GovCloud consoles live on other hosts. */

function consoleHost(partition: string, region: string): string {
    if (partition === "aws-cn") return "console.amazonaws.cn";
    if (partition === "aws-us-gov") return "console.amazonaws-us-gov.com";
    return `${region}.console.aws.amazon.com`;
}

export function macieFindingUrl(partition: string, region: string, findingId: string): string {
    return `https://${consoleHost(partition, region)}/macie/home?region=${region}#findings?itemId=${encodeURIComponent(findingId)}`;
}

/** Opens in the member account's console (the reader switches role there). */
export function s3ObjectUrl(partition: string, region: string, bucket: string, key: string): string {
    const host = partition === "aws" ? "s3.console.aws.amazon.com" : consoleHost(partition, region);
    return `https://${host}/s3/object/${encodeURIComponent(bucket)}?region=${region}&prefix=${encodeURIComponent(key)}`;
}

export function s3BucketUrl(partition: string, region: string, bucket: string): string {
    const host = partition === "aws" ? "s3.console.aws.amazon.com" : consoleHost(partition, region);
    return `https://${host}/s3/buckets/${encodeURIComponent(bucket)}?region=${region}`;
}

/** Execution ARN: arn:<partition>:states:<region>:<account>:execution:<machine>:<name>. */
export function executionUrl(executionArn: string): string | undefined {
    const match = /^arn:([^:]+):states:([^:]+):\d{12}:execution:/.exec(executionArn);
    if (!match) return undefined;
    const [, partition, region] = match;
    return `https://${consoleHost(partition, region)}/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}
