/** The chat-neutral message for a notification; teams.ts and slack.ts render it. */
import { executionUrl, macieFindingUrl, s3BucketUrl, s3ObjectUrl } from "./console-links";
import { causeText, failureFacts, type Notification, type Subject } from "./input";

export type Tone = "attention" | "warning" | "good" | "accent";

export interface Message {
    title: string;
    summary: string;
    tone: Tone;
    facts: [label: string, value: string][];
    /** `shorter`: where to send the reader when a chat cannot carry `url` (Slack buttons: 3,000 characters). */
    links: { label: string; url: string; shorter?: { label: string; url: string } }[];
    /** Shown verbatim (monospace) under the facts, e.g. how to release. */
    instructions?: string;
}

export interface MessageOptions {
    /** POST endpoint of the release API, for the release instructions. */
    releaseApiUrl?: string;
}

/**
 * Config's compliance types (ComplianceType in the Config API): only NON_COMPLIANT means the tags are
 * missing. NOT_APPLICABLE is what Config records when the bucket was deleted or left the rule's
 * scope; INSUFFICIENT_DATA when it could not evaluate. Neither is a tagging fault.
 */
function complianceWording(complianceType: string): Pick<Message, "title" | "summary" | "tone"> {
    switch (complianceType) {
        case "NON_COMPLIANT":
            return {
                title: "Missing data-protection tags",
                summary: "The bucket lacks RequireMacieScan (True|False) or an allowed BucketOwner: Macie cannot tell whether to scan it or whom to tell.",
                tone: "warning",
            };
        case "COMPLIANT":
            return { title: "Tags fixed", summary: "The bucket now carries RequireMacieScan and BucketOwner as the tag policy requires.", tone: "good" };
        case "NOT_APPLICABLE":
            return {
                title: "No longer evaluated",
                summary: "AWS Config no longer applies the tag rule to this bucket: it was deleted or left the rule's scope. Nothing to fix.",
                tone: "accent",
            };
        default:
            return {
                title: `Tag compliance ${complianceType}`,
                summary: `AWS Config reported ${complianceType} for the tag rule on this bucket: it could not tell whether the tags are there. Check the rule's evaluations in the Config console.`,
                tone: "accent",
            };
    }
}

function subjectFacts(subject: Subject): [string, string][] {
    return [
        ["Account", subject.accountId],
        ["Bucket", subject.bucket],
        ["Key", subject.key ?? "(no object: bucket-level finding)"],
        ["Version", subject.versionId ?? "(unversioned)"],
        ["Severity", subject.severity],
        ["Public", subject.publicStatus],
        ["Owner", subject.bucketOwner],
        ["Finding type", subject.findingType],
        ["Finding id", subject.findingId],
    ];
}

function subjectLinks(subject: Subject): Message["links"] {
    const links: Message["links"] = [{ label: "Open finding in Macie", url: macieFindingUrl(subject.partition, subject.region, subject.findingId) }];
    if (subject.key) {
        links.push({
            label: "Open object in S3",
            url: s3ObjectUrl(subject.partition, subject.region, subject.bucket, subject.key),
            // A 1,024-byte key of non-ASCII characters percent-encodes to over 3,000 characters.
            shorter: { label: "Open bucket in S3", url: s3BucketUrl(subject.partition, subject.region, subject.bucket) },
        });
    }
    return links;
}

function releaseInstructions(subject: Subject, options: MessageOptions): string {
    const body = JSON.stringify({
        findingId: subject.findingId,
        versionId: subject.versionId,
        reason: "<why the object may be released>",
        requestId: "<new UUID>",
    });
    const endpoint = options.releaseApiUrl ?? "<release API URL>/releases";
    return `Release (IAM-signed, investigation role): POST ${endpoint}\n${body}`;
}

export function buildMessage(notification: Notification, options: MessageOptions = {}): Message {
    switch (notification.kind) {
        case "FINDING":
            return {
                title: `Macie finding: ${notification.subject.severity} severity in ${notification.subject.bucket}`,
                summary: `Not quarantined: ${notification.reasons.join("; ")}.`,
                tone: notification.subject.severity === "High" ? "warning" : "accent",
                facts: subjectFacts(notification.subject),
                links: subjectLinks(notification.subject),
            };
        case "QUARANTINED":
            return {
                title: `Quarantined: ${notification.subject.severity} severity object in ${notification.subject.bucket}`,
                summary: `Moved to s3://${notification.subject.bucket}/${notification.quarantine.key} because ${notification.reasons.join("; ")}. Only the investigation role can read it.`,
                tone: "attention",
                facts: [...subjectFacts(notification.subject), ["Quarantine version", notification.quarantine.versionId]],
                links: subjectLinks(notification.subject),
                instructions: releaseInstructions(notification.subject, options),
            };
        case "SOURCE_MISSING":
            return {
                title: `Not quarantined: object version already gone from ${notification.subject.bucket}`,
                summary: notification.quarantineCopyPresent
                    ? "The version was deleted before this run; a quarantine copy from an earlier run or finding exists."
                    : "The version was deleted before it could be quarantined; nothing to contain.",
                tone: "warning",
                facts: subjectFacts(notification.subject),
                links: subjectLinks(notification.subject),
            };
        case "RELEASED":
            return {
                title: `Released from quarantine: ${notification.subject.bucket}`,
                summary: `Restored to its original key by ${notification.release.releasedBy}: ${notification.release.reason}`,
                tone: "good",
                facts: [
                    ...subjectFacts(notification.subject),
                    ["Released by", notification.release.releasedBy],
                    ["Restored version", notification.release.restoredVersionId],
                ],
                links: subjectLinks(notification.subject),
            };
        case "TAG_COMPLIANCE": {
            const { title, summary, tone } = complianceWording(notification.complianceType);
            return {
                title: `${title}: ${notification.resourceId}`,
                summary,
                tone,
                facts: [
                    ["Account", notification.accountId],
                    ["Region", notification.region],
                    ["Resource", `${notification.resourceType} ${notification.resourceId}`],
                    ["Compliance", notification.complianceType],
                    ["Rule", notification.configRuleName],
                    ["Time", notification.time],
                ],
                links: [],
            };
        }
        case "SCAN_APPROVAL":
            return {
                title: `Scan stage ${notification.pipeline}: ${notification.reviewCount} ${notification.reviewCount === 1 ? "object needs" : "objects need"} a decision`,
                summary:
                    `Run ${notification.runId} moved them to review: Macie flagged them or could not analyse them. ` +
                    `Decide before ${notification.expiresAt}; no decision by then is a deny. ` +
                    "Only a SigV4-signed POST by an approver role decides: opening a link in this message decides nothing.",
                tone: "warning",
                facts: [
                    ["Pipeline", notification.pipeline],
                    ["Run", notification.runId],
                    ["Objects", String(notification.reviewCount)],
                    ["Review bucket", notification.reviewBucket],
                    ["Tagged", `lakewarden:scan-run=${notification.runId}`],
                    ["Decide before", notification.expiresAt],
                    ["Account", notification.accountId],
                    ["Region", notification.region],
                ],
                links: [{ label: "Open review bucket in S3", url: s3BucketUrl(notification.partition, notification.region, notification.reviewBucket) }],
                instructions: `Decide (IAM-signed, approver role): POST ${notification.decisionEndpoint}\n${JSON.stringify({ decision: "approve | deny", reason: "<why>" })}`,
            };
        case "SCAN_RUN_FAILED": {
            const url = executionUrl(notification.executionArn);
            const how = { FAILED: "failed", TIMED_OUT: "timed out", ABORTED: "was stopped" }[notification.status];
            return {
                title: `Scan stage ${notification.pipeline}: run ${how}${notification.error ? `: ${notification.error}` : ""}`,
                summary:
                    "Nothing was published or deleted that was not verified: every object is in exactly one of landing, scan, review or scanned, " +
                    "and the next run picks up what this one left.",
                tone: "attention",
                facts: [
                    ["Pipeline", notification.pipeline],
                    ["Run", notification.runId],
                    ["Status", notification.status],
                    ["Error", notification.error ?? "none reported"],
                    ["Cause", causeText(notification.cause ?? undefined).slice(0, 1000)],
                    ["Account", notification.accountId],
                    ["Region", notification.region],
                ],
                links: url ? [{ label: "Open execution", url }] : [],
            };
        }
        case "FAILED": {
            const facts = failureFacts(notification.state);
            const url = executionUrl(notification.executionId);
            const optional: [string, string | undefined][] = [
                ["Finding id", facts.findingId],
                ["Version", facts.versionId],
                ["Account", facts.accountId],
                ["Bucket", facts.bucket],
                ["Key", facts.key],
            ];
            return {
                title: `${notification.workflow === "quarantine" ? "Quarantine" : "Release"} workflow failed: ${facts.error}`,
                summary: "The original object stays where it was; the tracking record keeps its state, so a re-run of this execution completes it.",
                tone: "attention",
                facts: [
                    ["Error", facts.error],
                    ["Cause", facts.cause.slice(0, 1000)],
                    ...optional.filter((f): f is [string, string] => f[1] !== undefined),
                    ["Execution", notification.executionId],
                ],
                links: url ? [{ label: "Open execution", url }] : [],
            };
        }
    }
}
