import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { ConfigError } from "../../config/errors";
import { PREVIEW_ROLE_VARIABLE } from "../../stacks/providers";
import { ofType, recordStack, sectionOf, sharedStack, withSection, type RecordedResource, type Recording } from "../helpers/program";

// Which role each account's provider assumes: the deploy role for `pulumi up` (and a preview without the
// variable), the read-only preview role for a PR preview (LAKEWARDEN_PREVIEW_ROLE=1 in a dry run), and
// never the preview role in an update. README "Deploy and preview roles".

interface AccountConfig {
    name: string;
    role: string;
    id: string;
    deployRoleArn: string;
    previewRoleArn?: string;
    externalId?: string;
    lakeFormationAdmins?: string[];
}

interface AssumeRole {
    roleArn: string;
    sessionName: string;
    externalId?: string;
}

/** The account a provider belongs to: named after it, or `<account>-<region>` for a second region. */
function accountOf(accounts: AccountConfig[], provider: RecordedResource): AccountConfig {
    const account = accounts.find(a => provider.name === a.name || provider.name.startsWith(`${a.name}-`));
    assert.ok(account, `provider ${provider.name} belongs to no account`);
    return account;
}

function assumed(provider: RecordedResource): AssumeRole {
    const roles = provider.props.assumeRoles as AssumeRole[];
    assert.equal(roles.length, 1, provider.name);
    return roles[0];
}

function isConfigError(key: string, message: RegExp): (error: unknown) => boolean {
    return error => {
        assert.ok(error instanceof ConfigError, String(error));
        const problem = error.problems.find(p => p.key === key);
        assert.ok(problem, `no problem for ${key} in ${error.message}`);
        assert.match(problem.message, message);
        return true;
    };
}

describe("account providers: deploy and preview roles", () => {
    afterEach(() => {
        delete process.env[PREVIEW_ROLE_VARIABLE];
    });

    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            const accounts = sectionOf<AccountConfig[]>(stack, "accounts");

            it("names a distinct preview role in every account of the stack file", () => {
                for (const account of accounts) {
                    assert.ok(account.previewRoleArn, `${account.name} has no previewRoleArn`);
                    assert.notEqual(account.previewRoleArn, account.deployRoleArn);
                    assert.match(account.previewRoleArn, new RegExp(`^arn:aws:iam::${account.id}:role/`));
                }
            });

            for (const preview of [false, true]) {
                it(`assumes each account's deploy role without ${PREVIEW_ROLE_VARIABLE} (${preview ? "preview" : "update"})`, async () => {
                    const recording = await sharedStack(stack, { preview });
                    const providers = ofType(recording, "pulumi:providers:aws");
                    assert.ok(providers.length >= accounts.length);
                    for (const provider of providers) {
                        const account = accountOf(accounts, provider);
                        assert.deepEqual(assumed(provider), {
                            roleArn: account.deployRoleArn,
                            sessionName: `lakewarden-${stack}-${account.name}`,
                            ...(account.externalId ? { externalId: account.externalId } : {}),
                        });
                    }
                });
            }

            describe(`${PREVIEW_ROLE_VARIABLE}=1 in a preview`, () => {
                let deploy: Recording;
                let previewRole: Recording;

                before(async () => {
                    deploy = await sharedStack(stack, { preview: true });
                    process.env[PREVIEW_ROLE_VARIABLE] = "1";
                    try {
                        previewRole = await recordStack(stack, { preview: true });
                    } finally {
                        delete process.env[PREVIEW_ROLE_VARIABLE];
                    }
                });

                it("makes every provider, second regions included, assume its account's preview role", () => {
                    const providers = ofType(previewRole, "pulumi:providers:aws");
                    assert.deepEqual(
                        providers.map(p => p.name),
                        ofType(deploy, "pulumi:providers:aws").map(p => p.name),
                    );
                    for (const provider of providers) {
                        const account = accountOf(accounts, provider);
                        assert.deepEqual(assumed(provider), {
                            roleArn: account.previewRoleArn,
                            sessionName: `lakewarden-${stack}-${account.name}-preview`,
                            ...(account.externalId ? { externalId: account.externalId } : {}),
                        });
                        assert.deepEqual(provider.props.allowedAccountIds, [account.id]);
                    }
                });

                it("changes nothing but the providers' role: every other resource has the same inputs", () => {
                    const others = (r: Recording) => r.resources.filter(x => x.type !== "pulumi:providers:aws");
                    const before = new Map(others(deploy).map(r => [r.urn, r.props]));
                    assert.equal(others(previewRole).length, before.size);
                    for (const resource of others(previewRole)) {
                        assert.deepEqual(resource.props, before.get(resource.urn), resource.urn);
                    }
                    const deployProviders = new Map(ofType(deploy, "pulumi:providers:aws").map(p => [p.name, p.props]));
                    for (const provider of ofType(previewRole, "pulumi:providers:aws")) {
                        const { assumeRoles: _preview, ...rest } = provider.props;
                        const { assumeRoles: _deploy, ...expected } = deployProviders.get(provider.name) ?? {};
                        assert.deepEqual(rest, expected, provider.name);
                    }
                });
            });
        });
    }

    it(`refuses ${PREVIEW_ROLE_VARIABLE} in an update, before any resource`, async () => {
        process.env[PREVIEW_ROLE_VARIABLE] = "1";
        await assert.rejects(recordStack("dev"), isConfigError(PREVIEW_ROLE_VARIABLE, /is set for an update: .*`pulumi preview` only/));
    });

    for (const value of ["true", "0", "yes"]) {
        it(`refuses ${PREVIEW_ROLE_VARIABLE}=${value}`, async () => {
            process.env[PREVIEW_ROLE_VARIABLE] = value;
            await assert.rejects(recordStack("dev", { preview: true }), isConfigError(PREVIEW_ROLE_VARIABLE, new RegExp(`expected 1 .* got "${value}"`)));
        });
    }

    it("names every account without a preview role when the preview role is asked for", async () => {
        process.env[PREVIEW_ROLE_VARIABLE] = "1";
        const accounts = sectionOf<AccountConfig[]>("prod", "accounts").map(a =>
            a.name === "finance" || a.name === "security" ? { ...a, previewRoleArn: undefined } : a,
        );
        await assert.rejects(recordStack("prod", { preview: true, config: withSection("prod", "accounts", accounts) }), (error: unknown) => {
            assert.ok(error instanceof ConfigError, String(error));
            assert.deepEqual(
                error.problems.map(p => p.key),
                ["lakewarden:accounts[security].previewRoleArn", "lakewarden:accounts[finance].previewRoleArn"],
            );
            assert.match(error.problems[1].message, /LAKEWARDEN_PREVIEW_ROLE=1 needs .*deploy\/roles\/preview-consumer\.json/);
            return true;
        });
    });

    it("needs no preview role for a deploy", async () => {
        const accounts = sectionOf<AccountConfig[]>("dev", "accounts").map(a => ({ ...a, previewRoleArn: undefined }));
        const recording = await recordStack("dev", { config: withSection("dev", "accounts", accounts) });
        assert.ok(ofType(recording, "pulumi:providers:aws").every(p => assumed(p).roleArn.endsWith(":role/lakewarden-deploy")));
    });

    it("is what the PR workflow previews with: the real preview and the offline preview plans", () => {
        interface Step {
            uses?: string;
            run?: string;
            env?: Record<string, string>;
            with?: Record<string, string>;
        }
        const workflow = parse(readFileSync(".github/workflows/policy-gate.yml", "utf8")) as { jobs: Record<string, { steps: Step[] }> };
        const steps = Object.values(workflow.jobs).flatMap(j => j.steps);
        const previews = steps.filter(s => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "preview");
        assert.ok(previews.length > 0, "no pulumi preview step");
        for (const step of previews) {
            assert.equal(step.env?.[PREVIEW_ROLE_VARIABLE], "1");
        }
        assert.ok(
            steps.every(s => !(s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up")),
            "the PR workflow runs no update",
        );
        const planLines = steps.flatMap(s => (s.run ?? "").split("\n")).filter(l => /npm run plan -- .*--preview/.test(l));
        assert.ok(planLines.length > 0, "no offline preview plan");
        for (const line of planLines) {
            assert.match(line, new RegExp(`^\\s*${PREVIEW_ROLE_VARIABLE}=1 npm run plan`), line);
        }
    });

    describe("lakewarden:accounts[].previewRoleArn validation", () => {
        const mutated = (change: (a: AccountConfig) => AccountConfig) =>
            withSection(
                "dev",
                "accounts",
                sectionOf<AccountConfig[]>("dev", "accounts").map(a => (a.name === "producer" ? change(a) : a)),
            );
        const key = "lakewarden:accounts[producer].previewRoleArn";

        it("is a role ARN", async () => {
            await assert.rejects(recordStack("dev", { config: mutated(a => ({ ...a, previewRoleArn: "lakewarden-preview" })) }), isConfigError(key, /./));
        });

        it("is a role of the account itself", async () => {
            await assert.rejects(
                recordStack("dev", { config: mutated(a => ({ ...a, previewRoleArn: "arn:aws:iam::123456789012:role/lakewarden-preview" })) }),
                isConfigError(key, /role ARN is in account 123456789012, but account "producer" has id 777788889999/),
            );
        });

        it("is not the deploy role", async () => {
            await assert.rejects(
                recordStack("dev", { config: mutated(a => ({ ...a, previewRoleArn: a.deployRoleArn })) }),
                isConfigError(key, /not the deploy role/),
            );
        });

        it("is not a Lake Formation admin", async () => {
            await assert.rejects(
                recordStack("dev", { config: mutated(a => ({ ...a, lakeFormationAdmins: [a.previewRoleArn as string] })) }),
                isConfigError(key, /must not be a Lake Formation admin/),
            );
        });
    });
});
