import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The component document is JSON-compatible YAML: leading `#` comment lines, then a JSON body. These
 * tests parse it the same way (no YAML parser is a project dependency) and check the controls in it.
 */

const PATH = join(__dirname, "../../imagebuilder/components/cis-docker-hardening.yaml");
const text = readFileSync(PATH, "utf8");

interface Step {
    name: string;
    action: string;
    onFailure?: string;
    maxAttempts?: number;
    timeoutSeconds?: number;
    inputs: { commands?: string[] } | Record<string, unknown>[];
}
interface Phase {
    name: string;
    steps: Step[];
}
interface ComponentDoc {
    name: string;
    description: string;
    schemaVersion: number;
    parameters: Record<string, { type: string; default?: string; description: string }>[];
    phases: Phase[];
}

function parseJsonCompatibleYaml(source: string): { header: string[]; body: ComponentDoc } {
    const lines = source.split("\n");
    const firstBody = lines.findIndex(line => !line.startsWith("#"));
    return { header: lines.slice(0, firstBody), body: JSON.parse(lines.slice(firstBody).join("\n")) as ComponentDoc };
}

const { header, body: doc } = parseJsonCompatibleYaml(text);
const phase = (name: string) => doc.phases.find(p => p.name === name) as Phase;
const script = (phaseName: string, stepName: string) => {
    const step = phase(phaseName).steps.find(s => s.name === stepName);
    assert.ok(step, `step ${phaseName}.${stepName} exists`);
    return ((step.inputs as { commands: string[] }).commands ?? []).join("\n");
};
const allScripts = doc.phases.flatMap(p => p.steps.map(s => ((s.inputs as { commands?: string[] }).commands ?? []).join("\n"))).join("\n");

describe("imagebuilder component cis-docker-hardening", () => {
    it("is a comment header followed by one JSON document, with schemaVersion written as 1.0", () => {
        assert.ok(header.length > 0 && header.every(line => line.startsWith("#")));
        assert.match(text, /\n {2}"schemaVersion": 1\.0,\n/);
        assert.equal(doc.schemaVersion, 1);
        assert.equal(doc.name, "lakewarden-cis-docker-hardening");
        assert.ok(text.endsWith("}\n"));
        assert.ok(!/\t/.test(text), "no tabs: YAML forbids them in indentation");
        assert.ok(/^[\x20-\x7e\n]*$/.test(text), "ASCII only, so every YAML reader sees the same text");
    });

    it("declares the component major the version derivation reads", () => {
        assert.ok(header.some(line => /^#\s*component-major:\s*\d+\s*$/.test(line)));
    });

    it("has build, validate and test phases whose steps all abort the build on failure", () => {
        assert.deepEqual(
            doc.phases.map(p => p.name),
            ["build", "validate", "test"],
        );
        const names = new Set<string>();
        for (const p of doc.phases) {
            assert.ok(p.steps.length > 0);
            for (const step of p.steps) {
                assert.equal(step.onFailure, "Abort", `${p.name}.${step.name}`);
                assert.ok(!names.has(step.name), `step names are unique: ${step.name}`);
                names.add(step.name);
                if (step.action === "ExecuteBash") {
                    assert.equal((step.inputs as { commands: string[] }).commands[0], "set -euo pipefail", `${step.name} stops at the first failing command`);
                }
            }
        }
    });

    it("references only declared parameters, and every brace pair is a parameter reference", () => {
        const declared = new Set(doc.parameters.flatMap(entry => Object.keys(entry)));
        const references = [...text.matchAll(/\{\{ ([A-Za-z0-9_-]+) \}\}/g)].map(m => m[1]);
        assert.ok(references.length > 0);
        for (const name of references) assert.ok(declared.has(name), `${name} is declared`);
        for (const name of declared) assert.ok(references.includes(name), `${name} is used`);
        // AWSTOE expands {{ }}: any other double brace (a Go template, a nested dict literal) would be mangled.
        const stray = text.replace(/\{\{ [A-Za-z0-9_-]+ \}\}/g, "");
        assert.ok(!stray.includes("{{") && !stray.includes("}}"), "no stray double braces");
    });

    it("puts /var/lib/docker on its own labelled volume that docker.service requires (CIS 1.1.1)", () => {
        const build = script("build", "PrepareDockerVolume");
        assert.match(build, /DEV='\{\{ DockerVolumeDevice \}\}'/);
        assert.match(build, /mkfs\.ext4 -q -L lw-docker/);
        assert.match(build, /refusing to format it/, "never formats a device that already holds a file system");
        assert.match(build, /LABEL=lw-docker \/var\/lib\/docker ext4/);
        assert.match(build, /RequiresMountsFor=\/var\/lib\/docker/);
        assert.match(build, /mountpoint -q \/var\/lib\/docker$/m);
    });

    it("writes daemon.json with icc off, live restore, no userland proxy, no-new-privileges and a bounded json-file log", () => {
        const daemon = script("build", "ConfigureDockerDaemon");
        assert.match(daemon, /dict\(icc=False, iptables=True, experimental=False\)/);
        assert.match(daemon, /'live-restore': True/);
        assert.match(daemon, /'userland-proxy': False/);
        assert.match(daemon, /'no-new-privileges': True/);
        assert.match(daemon, /'log-level': 'info'/);
        assert.match(daemon, /'log-driver': 'json-file'/);
        assert.match(daemon, /'max-size': max_size, 'max-file': max_file/);
        assert.match(daemon, /'\{\{ LogMaxSize \}\}' '\{\{ LogMaxFile \}\}'/);
        assert.match(daemon, /clash with daemon\.json/, "refuses settings dockerd would reject as duplicated flags");
    });

    it("audits the daemon, binaries, configuration and sockets, and re-enables syscall auditing (CIS 1.1.3-1.1.18)", () => {
        const audit = script("build", "ConfigureAuditRules");
        const persistent = (/^PERSISTENT="([^"]+)"$/m.exec(audit) ?? [])[1]?.split(" ") ?? [];
        for (const path of [
            "/usr/bin/dockerd",
            "/etc/docker",
            "/etc/docker/daemon.json",
            "/etc/containerd/config.toml",
            "/usr/bin/containerd",
            "/usr/bin/containerd-shim-runc-v2",
            "/usr/bin/runc",
            "/etc/sysconfig/docker",
        ]) {
            assert.ok(persistent.includes(path), `watches ${path}`);
        }
        assert.match(audit, /echo "-w \$path -k docker" >> "\$RULES"/);
        assert.match(audit, /docker\.service docker\.socket/, "watches the unit files wherever systemd keeps them");
        assert.match(audit, /\/run\/containerd\/containerd\.sock \/run\/docker\.sock/);
        assert.match(audit, /task,never\|never,task/);
        assert.match(audit, /-a always,exit -F path=\/var\/lib\/docker -F perm=war -k docker/);
        assert.match(audit, /-a always,exit -F path=\/run\/containerd -F perm=war -k docker/);
        assert.match(audit, /\[ "\$LEVEL" = level2 \]/, "the busy-path syscall rules are level 2 only");
        assert.match(audit, /augenrules --load/);
    });

    it("sets ownership and permissions of units, configuration and certificates (CIS 3.x)", () => {
        const perms = script("build", "SetFilePermissions");
        assert.match(perms, /for unit in docker\.service docker\.socket containerd\.service/);
        assert.match(perms, /chmod 0644 "\$fragment"/);
        assert.match(perms, /chmod 0755 \/etc\/docker/);
        assert.match(perms, /\/etc\/docker\/daemon\.json \/etc\/sysconfig\/docker \/etc\/default\/docker \/etc\/containerd\/config\.toml/);
        assert.match(perms, /-exec chmod 0444/);
    });

    it("removes the ECS agent state so instances from the image register as themselves", () => {
        assert.match(script("build", "CleanEcsAgentState"), /rm -rf \/var\/lib\/ecs\/data\/\*/);
    });

    it("checks every control on the build instance and again on a fresh instance, failing on any miss", () => {
        const checker = script("build", "InstallHardeningCheck");
        for (const control of [
            "icc",
            "live-restore",
            "userland-proxy",
            "no-new-privileges",
            "log-driver",
            "LiveRestoreEnabled",
            "enable_icc",
            "task,never",
            "/run/docker.sock",
            "RequiresMountsFor",
        ]) {
            assert.ok(checker.includes(control), `checker covers ${control}`);
        }
        assert.match(checker, /sys\.exit\(1 if failures else 0\)/);
        assert.match(script("validate", "ValidateHardening"), /--phase build/);
        assert.match(script("test", "AssertHardeningAfterBoot"), /--phase boot/);
    });

    it("runs docker-bench-security only from a digest-verified archive, never from a live clone or URL", () => {
        const download = phase("test").steps.find(s => s.name === "DownloadDockerBench") as Step;
        assert.equal(download.action, "S3Download");
        assert.deepEqual(download.inputs, [
            {
                source: "{{ DockerBenchArchiveS3Uri }}",
                destination: "/tmp/lakewarden-docker-bench/docker-bench.tar.gz",
                expectedBucketOwner: "{{ ArtifactBucketOwner }}",
                overwrite: true,
            },
        ]);
        const run = script("test", "RunDockerBench");
        const verify = run.indexOf("sha256sum --check --strict");
        assert.ok(verify > 0 && verify < run.indexOf("tar -xzf"), "digest checked before anything is extracted");
        assert.doesNotMatch(allScripts, /git clone|curl |wget |https?:\/\//, "no unpinned fetches anywhere");
        const params = Object.fromEntries(doc.parameters.flatMap(entry => Object.entries(entry)));
        assert.equal(params.DockerBenchArchiveSha256.default, undefined, "the digest has no default: the recipe must pin one");
        assert.equal(params.DockerBenchArchiveS3Uri.default, undefined);
    });

    it("uploads the report before gating on it, and a required check missing from the report fails", () => {
        const order = phase("test").steps.map(s => s.name);
        assert.ok(order.indexOf("UploadDockerBenchReport") < order.indexOf("GateDockerBench"));
        const gate = script("test", "GateDockerBench");
        assert.match(gate, /results\.get\(check, 'MISSING'\)/);
        assert.match(gate, /sys\.exit\('docker-bench checks not passed/);
    });
});
