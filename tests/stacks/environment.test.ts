import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { readStackConfig } from "../../tools/offline/stack-config";
import { accountComponentOf, ofType, sharedStack, type Recording } from "../helpers/program";

interface AccountConfig {
    name: string;
    role: string;
    id: string;
    deployRoleArn: string;
    externalId?: string;
}

for (const stack of ["dev", "prod"]) {
    describe(`environment ${stack} under mocks`, () => {
        let recording: Recording;
        const accounts = JSON.parse(readStackConfig(stack)["lakewarden:accounts"]) as AccountConfig[];

        before(async () => {
            recording = await sharedStack(stack);
        });

        it("disables default providers in the stack file", () => {
            const file = parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> };
            assert.deepEqual(file.config["pulumi:disable-default-providers"], ["aws"]);
        });

        it("makes one explicit provider per account, pinned to it", () => {
            const providers = ofType(recording, "pulumi:providers:aws");
            for (const extra of providers.filter(p => !accounts.some(a => a.name === p.name))) {
                const owner = accounts.find(a => extra.name.startsWith(`${a.name}-`));
                assert.ok(owner, `provider ${extra.name} belongs to no account`);
                assert.deepEqual(extra.props.allowedAccountIds, [owner.id]);
                assert.equal(extra.name, `${owner.name}-${String(extra.props.region)}`);
            }
            for (const account of accounts) {
                const props = providers.find(p => p.name === account.name)?.props as Record<string, unknown>;
                assert.deepEqual(props.allowedAccountIds, [account.id]);
                const [assume] = props.assumeRoles as { roleArn: string; sessionName: string; externalId?: string }[];
                assert.equal(assume.roleArn, account.deployRoleArn);
                assert.equal(assume.sessionName, `lakewarden-${stack}-${account.name}`);
                assert.equal(assume.externalId, account.externalId);
                const tags = (props.defaultTags as { tags: Record<string, string> }).tags;
                assert.equal(tags["lakewarden:environment"], stack);
                assert.equal(tags["lakewarden:account-role"], account.role);
                assert.equal(tags["managed-by"], "lakewarden");
            }
        });

        it("has one account component per account, typed by role", () => {
            const components = recording.resources.filter(r => r.type.startsWith("lakewarden:account:"));
            assert.deepEqual(
                components.map(c => `${c.type}/${c.name}`).sort(),
                accounts.map(a => `lakewarden:account:${a.role[0].toUpperCase()}${a.role.slice(1)}/${a.name}`).sort(),
            );
        });

        it("binds every resource to the provider of the account it sits under", () => {
            const custom = recording.resources.filter(r => r.custom && !r.type.startsWith("pulumi:providers:"));
            assert.ok(custom.length > 50);
            for (const resource of custom) {
                const account = accountComponentOf(recording, resource);
                assert.ok(account, `${resource.urn} is not under an account component`);
                assert.ok(resource.providerRef, `${resource.urn} has no explicit provider`);
                const expected = accounts.find(a => a.name === account.name)?.id;
                assert.ok(
                    resource.provider?.name === account.name || resource.provider?.name.startsWith(`${account.name}-`),
                    `${resource.urn} deploys with provider ${resource.provider?.name}`,
                );
                assert.deepEqual(resource.provider?.props.allowedAccountIds, [expected], `${resource.urn} deploys to another account`);
                assert.equal(resource.accountId, expected);
            }
        });

        it("never calls an invoke on a default provider", () => {
            for (const invoke of recording.invokes) {
                assert.ok(invoke.providerRef, `${invoke.token} ran without an explicit provider`);
            }
        });

        it("exports each account's outputs", () => {
            const outputs = recording.outputs as Record<string, { accountId: string; role: string }>;
            assert.deepEqual(Object.keys(outputs).sort(), accounts.map(a => a.name).sort());
            for (const account of accounts) {
                assert.equal(outputs[account.name].accountId, account.id);
            }
        });
    });
}
