import * as assert from "node:assert/strict";
import { z } from "zod";
import { accountsSchema } from "../../config/accounts";
import { amiPipelineSchema, checkAmiPipeline, fleetsSchema } from "../../config/ami-pipeline";
import { fromZodError } from "../../config/errors";
import { region } from "../../config/primitives";
import { mutate, type Raw } from "../helpers/config";
import { MAX_GROUPS_PER_RUN } from "../../contracts/fleet-refresh";

/**
 * The two sections with their cross-section check, as config/environment.ts will register them: until
 * then parseEnvironment rejects the keys, so the sections are validated here next to the dev accounts.
 */
const sectionsUnderTest = z
    .object({ homeRegion: region, accounts: accountsSchema, amiPipeline: amiPipelineSchema, fleets: fleetsSchema })
    .superRefine((env, ctx) => checkAmiPipeline(env, ctx));

const pipeline = () => ({
    buildAccount: "producer",
    instanceType: "m7g.large",
    subnetId: "subnet-0a1b2c3d4e5f60718",
    securityGroupIds: ["sg-0a1b2c3d4e5f60718"],
    receivingAccounts: ["analytics"],
    regions: ["eu-west-1"],
    dockerBench: { archiveS3Uri: "s3://lw-dev-artifacts/docker-bench-security-v1.6.0.tar.gz", archiveSha256: "c".repeat(64) },
});

const fleet = () => ({
    account: "analytics",
    clusterTags: { "lakewarden:fleet": "analytics" },
    waveSize: 2,
    minHealthyPercentage: 90,
    instanceWarmupSeconds: 180,
    bakeSeconds: 600,
    sampleCluster: { instanceType: "m7g.large", minSize: 1, maxSize: 3, subnetIds: ["subnet-0a1b2c3d4e5f60719"], securityGroupIds: ["sg-0a1b2c3d4e5f60719"] },
});

type Sections = Raw & { amiPipeline?: Raw & ReturnType<typeof pipeline>; fleets: (Raw & ReturnType<typeof fleet>)[] };

function devWith(change: (raw: Sections) => void = () => undefined): Raw {
    return mutate("dev", raw => {
        const sections = raw as unknown as Sections;
        sections.amiPipeline = pipeline();
        sections.fleets = [fleet()];
        change(sections);
    });
}

function problemsOf(raw: Raw): { key: string; message: string }[] {
    const result = sectionsUnderTest.safeParse(raw);
    assert.ok(!result.success, "expected the configuration to be rejected");
    return fromZodError(result.error).problems;
}

function expectSectionProblem(raw: Raw, key: string, message: RegExp): void {
    const problems = problemsOf(raw);
    assert.ok(
        problems.some(p => p.key === key && message.test(p.message)),
        `expected ${key}: ${message}, got:\n${problems.map(p => `${p.key}: ${p.message}`).join("\n")}`,
    );
}

describe("config: lakewarden:amiPipeline and lakewarden:fleets", () => {
    it("accepts the dev sections and fills the defaults (ECS-optimised AL2023 parent, weekly schedule, no alarms)", () => {
        const parsed = sectionsUnderTest.parse(devWith());
        assert.equal(parsed.amiPipeline?.parentImageParameter, "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id");
        assert.equal(parsed.amiPipeline?.schedule, "cron(0 3 ? * MON *)");
        assert.equal(parsed.amiPipeline?.hardeningLevel, "level1");
        assert.deepEqual(parsed.fleets[0].alarmNames, []);
        assert.equal(parsed.fleets[0].maxGroupsPerRun, MAX_GROUPS_PER_RUN);
    });

    it("accepts an environment without either section", () => {
        const parsed = sectionsUnderTest.parse(
            devWith(raw => {
                delete raw.amiPipeline;
                raw.fleets = [];
            }),
        );
        assert.equal(parsed.amiPipeline, undefined);
    });

    const cases: [string, (raw: Sections) => void, string, RegExp][] = [
        ["an unknown build account", r => (r.amiPipeline!.buildAccount = "builder"), "lakewarden:amiPipeline.buildAccount", /unknown account "builder"/],
        [
            "an unknown receiving account",
            r => r.amiPipeline!.receivingAccounts.push("partner"),
            "lakewarden:amiPipeline.receivingAccounts[1]",
            /unknown account "partner"/,
        ],
        [
            "a receiving account twice",
            r => r.amiPipeline!.receivingAccounts.push("analytics"),
            "lakewarden:amiPipeline.receivingAccounts[1]",
            /duplicate receiving account "analytics"/,
        ],
        ["a region twice", r => r.amiPipeline!.regions.push("eu-west-1"), "lakewarden:amiPipeline.regions[1]", /duplicate region "eu-west-1"/],
        [
            "regions without the build account's region",
            r => (r.amiPipeline!.regions = ["eu-central-1"]),
            "lakewarden:amiPipeline.regions",
            /must include the build account's region eu-west-1/,
        ],
        ["a subnet without security groups", r => delete (r.amiPipeline as Raw).securityGroupIds, "lakewarden:amiPipeline.securityGroupIds", /go together/],
        ["security groups without a subnet", r => delete (r.amiPipeline as Raw).subnetId, "lakewarden:amiPipeline.subnetId", /go together/],
        [
            "a parent image parameter that is not a path",
            r => ((r.amiPipeline as Raw).parentImageParameter = "image_id"),
            "lakewarden:amiPipeline.parentImageParameter",
            /SSM parameter path/,
        ],
        [
            "a schedule that is neither rate nor cron",
            r => ((r.amiPipeline as Raw).schedule = "weekly"),
            "lakewarden:amiPipeline.schedule",
            /rate\(\.\.\.\) or cron/,
        ],
        ["an unknown hardening level", r => ((r.amiPipeline as Raw).hardeningLevel = "level3"), "lakewarden:amiPipeline.hardeningLevel", /level1 or level2/],
        [
            "a bench archive outside S3",
            r => (r.amiPipeline!.dockerBench.archiveS3Uri = "https://github.com/docker/docker-bench-security"),
            "lakewarden:amiPipeline.dockerBench.archiveS3Uri",
            /s3:\/\/bucket\/key\.tar\.gz/,
        ],
        [
            "a bench archive without its digest",
            r => (r.amiPipeline!.dockerBench.archiveSha256 = "latest"),
            "lakewarden:amiPipeline.dockerBench.archiveSha256",
            /SHA-256/,
        ],
        ["an instance type that is not one", r => (r.amiPipeline!.instanceType = "large"), "lakewarden:amiPipeline.instanceType", /instance type/],
        ["fleets without a pipeline", r => delete r.amiPipeline, "lakewarden:fleets", /need lakewarden:amiPipeline/],
        [
            "a fleet account that does not receive the image",
            r => (r.amiPipeline!.receivingAccounts = ["producer"]),
            "lakewarden:fleets[0].account",
            /not in amiPipeline\.receivingAccounts/,
        ],
        ["an unknown fleet account", r => (r.fleets[0].account = "ghost"), "lakewarden:fleets[0].account", /unknown account "ghost"/],
        ["a fleet account twice", r => r.fleets.push(fleet()), "lakewarden:fleets[1].account", /duplicate fleet account "analytics"/],
        [
            "an empty cluster selector",
            r => (r.fleets[0].clusterTags = {} as (typeof r.fleets)[0]["clusterTags"]),
            "lakewarden:fleets[0].clusterTags",
            /would refresh every cluster/,
        ],
        [
            "more than 10 rollback alarms",
            r => ((r.fleets[0] as Raw).alarmNames = Array.from({ length: 11 }, (_, i) => `alarm-${i}`)),
            "lakewarden:fleets[0].alarmNames",
            /at most 10 alarms/,
        ],
        [
            "a concurrency above the largest wave",
            r => ((r.fleets[0] as Raw).maxConcurrency = 3),
            "lakewarden:fleets[0].maxConcurrency",
            /cannot exceed the largest wave/,
        ],
        [
            "a fleet cap above what one execution's history holds",
            r => ((r.fleets[0] as Raw).maxGroupsPerRun = MAX_GROUPS_PER_RUN + 1),
            "lakewarden:fleets[0].maxGroupsPerRun",
            /at most 32: a larger run would exceed Step Functions' 25,000 history events/,
        ],
        ["a fleet cap of no groups", r => ((r.fleets[0] as Raw).maxGroupsPerRun = 0), "lakewarden:fleets[0].maxGroupsPerRun", />=1/],
        ["a minimum healthy percentage above 100", r => (r.fleets[0].minHealthyPercentage = 101), "lakewarden:fleets[0].minHealthyPercentage", /100/],
        [
            "a sample cluster whose minimum exceeds its maximum",
            r => (r.fleets[0].sampleCluster.minSize = 4),
            "lakewarden:fleets[0].sampleCluster.minSize",
            /must not exceed maxSize/,
        ],
        [
            "a sample cluster without security groups",
            r => (r.fleets[0].sampleCluster.securityGroupIds = []),
            "lakewarden:fleets[0].sampleCluster.securityGroupIds",
            /at least one security group/,
        ],
        [
            "a sample cluster without subnets",
            r => (r.fleets[0].sampleCluster.subnetIds = []),
            "lakewarden:fleets[0].sampleCluster.subnetIds",
            /at least one private subnet/,
        ],
        ["an unknown key in a fleet", r => ((r.fleets[0] as Raw).waves = 3), "lakewarden:fleets[0]", /waves/],
    ];
    for (const [what, change, key, message] of cases) {
        it(`names ${key} for ${what}`, () => expectSectionProblem(devWith(change), key, message));
    }
});
