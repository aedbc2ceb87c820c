/**
 * Macie in the security account (the organisation's delegated administrator, or the administrator of the
 * stack's producers by invitation when another stack owns the delegation): enabled, results
 * exported to a customer-key encrypted bucket, the configured custom data identifiers, and a
 * daily classification job over every bucket tagged RequireMacieScan=True that skips the
 * quarantine prefix (so quarantined copies never raise new findings).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CustomDataIdentifierConfig } from "../../config/remediation";
import type { KeyRef } from "../../iam/documents";
import { type AccountScope, resourceName } from "../../naming/resources";
import { ResultsRepository } from "../scan-stage/results-repository";
import type { SecureBucket } from "../storage/secure-bucket";

export interface MacieDiscoveryArgs {
    scope: AccountScope;
    /** The security key: the results are encrypted with it (the component declares Macie's use). */
    key: KeyRef;
    accessLogBucket: pulumi.Input<string>;
    quarantinePrefix: string;
    customDataIdentifiers: CustomDataIdentifierConfig[];
    /**
     * How the members are associated. "organization" (default): this account is the organisation's delegated Macie
     * administrator; it enrols accounts that join the organisation later automatically (OrganizationConfiguration,
     * after the management account's delegation) and adds the existing ones without invitations. "invitation": another
     * account is the organisation's delegated administrator (lakewarden:organization.macieAdministrator); this account
     * invites its members, which accept (aws.macie2.InvitationAccepter in each member) and sets no organisation-wide
     * configuration (Macie User Guide, Managing Macie accounts by invitation: both methods can be used at the same time).
     */
    membership?: "organization" | "invitation";
    /**
     * The management account's OrganizationAdminAccount: OrganizationConfiguration and CreateMember work only
     * for the delegated administrator (Macie API Reference, UpdateOrganizationConfiguration). Absent when the
     * delegation is made outside this program (README, "Before the first deploy").
     */
    delegation?: Promise<pulumi.Resource[]>;
    /** Existing member accounts to enrol (autoEnable covers only accounts that join later). */
    members?: { accountId: string; email: string }[];
    /** What must exist in the members first (their Macie service-linked roles, which their keys name). */
    memberPrerequisites?: Promise<pulumi.Resource[]>;
}

const SCAN_TAG = { key: "RequireMacieScan", value: "True" } as const;
export class MacieDiscovery extends pulumi.ComponentResource {
    readonly account: aws.macie2.Account;
    readonly results: SecureBucket;
    readonly job: aws.macie2.ClassificationJob;
    readonly customDataIdentifiers: aws.macie.CustomDataIdentifier[];
    /** The enrolment of each member account (by id), which enables Macie there: a member's own Macie settings wait for it. */
    readonly memberEnrolments: Record<string, aws.macie2.Member> = {};

    constructor(name: string, args: MacieDiscoveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:remediation:MacieDiscovery", name, {}, opts);
        const parent = { parent: this };
        const environment = args.scope.environment;
        this.account = new aws.macie2.Account(name, { findingPublishingFrequency: "FIFTEEN_MINUTES", status: "ENABLED" }, parent);
        const enabled = { parent: this, dependsOn: [this.account] };
        const delegated: Promise<pulumi.Input<pulumi.Resource>[]> = Promise.resolve(args.delegation ?? []).then(d => [this.account, ...d]);
        const invitation = args.membership === "invitation";
        const organization = invitation ? [] : [new aws.macie2.OrganizationConfiguration(name, { autoEnable: true }, { parent: this, dependsOn: delegated })];
        const prerequisites: Promise<pulumi.Input<pulumi.Resource>[]> = Promise.all([args.delegation ?? [], args.memberPrerequisites ?? []]).then(([d, p]) => [
            this.account,
            ...organization,
            ...d,
            ...p,
        ]);
        const members = [
            ...organization,
            ...(args.members ?? []).map(
                member =>
                    (this.memberEnrolments[member.accountId] = new aws.macie2.Member(
                        `${name}-${member.accountId}`,
                        { accountId: member.accountId, email: member.email, status: "ENABLED", invite: invitation },
                        { parent: this, dependsOn: prerequisites },
                    )),
            ),
        ];
        const repository = new ResultsRepository(
            `${name}-results`,
            {
                scope: args.scope,
                key: args.key,
                accessLogBucket: args.accessLogBucket,
                macieEnabled: [this.account],
                previousNames: { bucket: `${name}-results`, exportConfiguration: name },
            },
            parent,
        );
        this.results = repository.bucket;
        const exportConfiguration = repository.exportConfiguration;
        this.customDataIdentifiers = args.customDataIdentifiers.map(
            identifier =>
                new aws.macie.CustomDataIdentifier(
                    `${name}-${identifier.name.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`,
                    {
                        name: identifier.name,
                        description: identifier.description ?? `lakewarden ${environment}: ${identifier.name}`,
                        regex: identifier.regex,
                        keywords: identifier.keywords,
                        ignoreWords: identifier.ignoreWords,
                        maximumMatchDistance: identifier.maximumMatchDistance,
                    },
                    enabled,
                ),
        );
        this.job = new aws.macie2.ClassificationJob(
            name,
            {
                name: resourceName(environment, "sensitive-data-scan"),
                description: `Daily scan of buckets tagged ${SCAN_TAG.key}=${SCAN_TAG.value}, quarantine prefix excluded`,
                jobType: "SCHEDULED",
                scheduleFrequency: { dailySchedule: true },
                initialRun: true,
                samplingPercentage: 100,
                customDataIdentifierIds: this.customDataIdentifiers.map(c => c.id),
                s3JobDefinition: {
                    bucketCriteria: {
                        includes: { ands: [{ tagCriterion: { comparator: "EQ", tagValues: [{ key: SCAN_TAG.key, value: SCAN_TAG.value }] } }] },
                    },
                    scoping: {
                        excludes: { ands: [{ simpleScopeTerm: { comparator: "STARTS_WITH", key: "OBJECT_KEY", values: [args.quarantinePrefix] } }] },
                    },
                },
            },
            // A job only runs if its results can be stored; members must be enrolled to be scanned.
            { parent: this, dependsOn: [exportConfiguration, ...members] },
        );
        this.registerOutputs({ resultsBucket: this.results.name, jobName: this.job.name });
    }
}
