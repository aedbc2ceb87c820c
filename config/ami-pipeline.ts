import { z } from "zod";
import type { Account } from "./accounts";
import { region, shortName } from "./primitives";
import { checkAccountRef, checkUnique } from "./references";
import { MAX_GROUPS_PER_RUN } from "../contracts/fleet-refresh";

const schedule = z.string().regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, { error: "expected rate(...) or cron(...)" });

const ssmParameterName = z.string().regex(/^\/[a-zA-Z0-9_.\-/]{1,1010}$/, {
    error: issue => `expected an SSM parameter path starting with /, got "${String(issue.input)}"`,
});

const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+\.tar\.gz$/, {
    error: issue => `expected an s3://bucket/key.tar.gz URI of the pinned docker-bench-security archive, got "${String(issue.input)}"`,
});

const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: issue => `expected a subnet id (subnet-...), got "${String(issue.input)}"` });

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: issue => `expected a security group id (sg-...), got "${String(issue.input)}"` });

const instanceType = z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: issue => `expected an EC2 instance type like m7g.large, got "${String(issue.input)}"` });

const alarmName = z.string().min(1).max(255);

const architectures = ["arm64", "x86_64"] as const;
export type Architecture = (typeof architectures)[number];

/** The ECS-optimised Amazon Linux 2023 image of each architecture (ECS Developer Guide, "Retrieving Amazon ECS-optimized Linux AMI metadata"). */
export const ECS_OPTIMISED_AL2023: Record<Architecture, string> = {
    x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
};

/**
 * The architecture of an instance type: Graviton families carry a "g" after the generation (m7g, c7gn,
 * t4g, r8g, x2gd, im4gn, is4gen, g5g) and a1 is the first Graviton; every other family is x86_64.
 */
function architectureOf(instanceType: string): Architecture {
    const family = instanceType.split(".")[0];
    const match = /^([a-z]+)(\d+)([a-z-]*)$/.exec(family);
    if (family === "a1" || (match !== null && match[3].includes("g"))) {
        return "arm64";
    }
    return "x86_64";
}

export const amiPipelineSchema = z
    .strictObject({
        /** Account that builds, scans and distributes the image. */
        buildAccount: shortName,
        /** One setting decides the parent image and the instance types the build, tests and sample clusters may use. */
        architecture: z.enum(architectures, { error: "expected arm64 or x86_64" }).default("arm64"),
        /** Defaults to the ECS-optimised Amazon Linux 2023 image of `architecture`. */
        parentImageParameter: ssmParameterName.optional(),
        /** The pipeline runs on this schedule but builds only when the parent image or a component changed. */
        schedule: schedule.default("cron(0 3 ? * MON *)"),
        hardeningLevel: z.enum(["level1", "level2"], { error: "expected level1 or level2" }).default("level1"),
        instanceType,
        /** Private subnet (with its security groups) the build and test instances run in. */
        subnetId: subnetId.optional(),
        securityGroupIds: z.array(securityGroupId).min(1, { error: "expected at least one security group" }).optional(),
        /** Accounts that may launch the image (and receive its state events). */
        receivingAccounts: z.array(shortName).min(1, { error: "expected at least one receiving account" }),
        /** Regions the image is distributed to (the build account's region is always one of them). */
        regions: z.array(region).min(1, { error: "expected at least one region" }),
        dockerBench: z.strictObject({
            archiveS3Uri: s3Uri,
            archiveSha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "expected the archive's SHA-256 as 64 lower-case hex digits" }),
        }),
    })
    .superRefine((pipeline, ctx) => {
        if (architectureOf(pipeline.instanceType) !== pipeline.architecture) {
            ctx.addIssue({
                code: "custom",
                path: ["instanceType"],
                message: `${pipeline.instanceType} is ${architectureOf(pipeline.instanceType)}, but amiPipeline.architecture is ${pipeline.architecture}: the build would fail to launch`,
            });
        }
        const other = pipeline.architecture === "arm64" ? ECS_OPTIMISED_AL2023.x86_64 : ECS_OPTIMISED_AL2023.arm64;
        if (pipeline.parentImageParameter === other) {
            ctx.addIssue({
                code: "custom",
                path: ["parentImageParameter"],
                message: `${other} is not a ${pipeline.architecture} image (amiPipeline.architecture)`,
            });
        }
        if ((pipeline.subnetId === undefined) !== (pipeline.securityGroupIds === undefined)) {
            ctx.addIssue({
                code: "custom",
                path: [pipeline.subnetId === undefined ? "subnetId" : "securityGroupIds"],
                message: "subnetId and securityGroupIds go together: Image Builder needs the security groups of the subnet it builds in",
            });
        }
    })
    .transform(pipeline => ({ ...pipeline, parentImageParameter: pipeline.parentImageParameter ?? ECS_OPTIMISED_AL2023[pipeline.architecture] }))
    .optional();

const fleetSchema = z
    .strictObject({
        account: shortName,
        /** Clusters whose capacity is refreshed: every tag must match. Never empty, or every cluster would match. */
        clusterTags: z.record(z.string().min(1).max(128), z.string().max(256)).refine(tags => Object.keys(tags).length > 0, {
            error: "expected at least one tag; an empty selector would refresh every cluster of the account",
        }),
        waveSize: z.number().int().min(1).max(100),
        firstWaveSize: z.number().int().min(1).max(100).optional(),
        maxConcurrency: z.number().int().min(1).max(40).optional(),
        minHealthyPercentage: z.number().int().min(0).max(100),
        instanceWarmupSeconds: z.number().int().min(0).max(172_800),
        bakeSeconds: z.number().int().min(0).max(86_400),
        /**
         * Most Auto Scaling groups one refresh run may cover; a fleet with more is refused, not truncated. The
         * ceiling keeps the longest run under Step Functions' 25,000-event history quota (see MAX_GROUPS_PER_RUN).
         */
        maxGroupsPerRun: z
            .number()
            .int()
            .min(1)
            .max(MAX_GROUPS_PER_RUN, { error: `at most ${MAX_GROUPS_PER_RUN}: a larger run would exceed Step Functions' 25,000 history events` })
            .default(MAX_GROUPS_PER_RUN),
        /** Alarms that roll a refresh back and stop the next wave (instance refresh accepts at most 10). */
        alarmNames: z.array(alarmName).max(10, { error: "instance refresh accepts at most 10 alarms" }).default([]),
        sampleCluster: z
            .strictObject({
                instanceType,
                minSize: z.number().int().min(0).max(100),
                maxSize: z.number().int().min(1).max(100),
                subnetIds: z.array(subnetId).min(1, { error: "expected at least one private subnet" }),
                securityGroupIds: z.array(securityGroupId).min(1, { error: "expected at least one security group" }),
            })
            .refine(c => c.minSize <= c.maxSize, { error: "minSize must not exceed maxSize", path: ["minSize"] })
            .optional(),
    })
    .refine(f => f.maxConcurrency === undefined || f.maxConcurrency <= Math.max(f.waveSize, f.firstWaveSize ?? 0), {
        error: "maxConcurrency cannot exceed the largest wave",
        path: ["maxConcurrency"],
    });

export const fleetsSchema = z.array(fleetSchema).default([]);

export type AmiPipeline = z.infer<typeof amiPipelineSchema>;
export type Fleet = z.infer<typeof fleetSchema>;

/** Cross-section rules: the accounts exist, fleets receive the image, nothing is named twice. */
export function checkAmiPipeline(env: { homeRegion: string; accounts: Account[]; amiPipeline?: AmiPipeline; fleets: Fleet[] }, ctx: z.RefinementCtx): void {
    const { accounts, amiPipeline, fleets } = env;
    if (amiPipeline === undefined) {
        if (fleets.length > 0) {
            ctx.addIssue({ code: "custom", path: ["fleets"], message: "fleets need lakewarden:amiPipeline, which builds the image they roll out" });
        }
        return;
    }
    checkAccountRef(accounts, ctx, ["amiPipeline", "buildAccount"], amiPipeline.buildAccount);
    amiPipeline.receivingAccounts.forEach((name, i) => checkAccountRef(accounts, ctx, ["amiPipeline", "receivingAccounts", i], name));
    checkUnique(
        ctx,
        amiPipeline.receivingAccounts,
        a => a,
        i => ["amiPipeline", "receivingAccounts", i],
        "receiving account",
    );
    checkUnique(
        ctx,
        amiPipeline.regions,
        r => r,
        i => ["amiPipeline", "regions", i],
        "region",
    );
    const build = accounts.find(a => a.name === amiPipeline.buildAccount);
    const homeOfBuild = build ? (build.region ?? env.homeRegion) : undefined;
    if (homeOfBuild !== undefined && !amiPipeline.regions.includes(homeOfBuild)) {
        ctx.addIssue({ code: "custom", path: ["amiPipeline", "regions"], message: `must include the build account's region ${homeOfBuild}` });
    }
    checkUnique(
        ctx,
        fleets,
        f => f.account,
        i => ["fleets", i, "account"],
        "fleet account",
    );
    fleets.forEach((fleet, i) => {
        const sample = fleet.sampleCluster;
        if (sample && architectureOf(sample.instanceType) !== amiPipeline.architecture) {
            ctx.addIssue({
                code: "custom",
                path: ["fleets", i, "sampleCluster", "instanceType"],
                message: `${sample.instanceType} is ${architectureOf(sample.instanceType)}, but the hardened image is ${amiPipeline.architecture} (amiPipeline.architecture)`,
            });
        }
        const account = checkAccountRef(accounts, ctx, ["fleets", i, "account"], fleet.account);
        if (account !== undefined && !amiPipeline.receivingAccounts.includes(fleet.account)) {
            ctx.addIssue({
                code: "custom",
                path: ["fleets", i, "account"],
                message: `fleet account "${fleet.account}" is not in amiPipeline.receivingAccounts, so it could not launch the image`,
            });
        }
    });
}
