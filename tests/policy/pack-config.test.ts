// --policy-pack-config entries that match nothing are errors: a policy key (did-you-mean, runner.test),
// a property (runner.test), and here an exemption whose URN pattern matches no resource the policy
// judges in the stack, which would otherwise silently do nothing.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { configProblems, runPolicyPack, stack, typed, urn } from "./helpers";
import { doc } from "./fixtures";

const NOW = new Date("2026-06-01T00:00:00Z");
const wild = () => stack(typed(aws.iam.RolePolicy, "wild", { role: "r", policy: doc({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::x/*" }) }));
const exempt = (...urns: string[]) => ({
    "iam-no-wildcard-actions": { exemptions: urns.map(u => ({ urn: u, reason: "break-glass role, SEC-7", expires: "2026-12-31" })) },
});

describe("exemptions that match nothing", () => {
    it("applies an exemption that matches a resource the policy judges", () => {
        const result = runPolicyPack(wild(), { config: exempt("**::wild"), now: NOW });
        assert.deepStrictEqual(
            result.exemptionsUsed.map(u => u.urn),
            [urn("aws:iam/rolePolicy:RolePolicy", "wild")],
        );
    });

    it("is an error naming the file and the exemption's index when the pattern matches no resource", () => {
        assert.deepStrictEqual(
            configProblems(() => runPolicyPack(wild(), { config: exempt("**::wild", "**::wild-typo"), configName: "policy/config/qa.json", now: NOW })),
            [
                {
                    key: "policy/config/qa.json: iam-no-wildcard-actions.exemptions[1]",
                    message: '"**::wild-typo" matches no resource iam-no-wildcard-actions judges in this stack; fix the pattern or remove the exemption',
                },
            ],
        );
    });

    it("is an error when the pattern matches only resources of types the policy does not judge", () => {
        const problems = configProblems(() => runPolicyPack(wild(), { config: exempt("**::producer"), now: NOW }));
        assert.deepStrictEqual(
            problems.map(p => p.key),
            ["--policy-pack-config: iam-no-wildcard-actions.exemptions[0]"],
        );
    });

    it("is an error for an expired exemption that matches nothing (a resource policy reports expiry only where it matches), and ignores a disabled policy's", () => {
        const expired = { "iam-no-wildcard-actions": { exemptions: [{ urn: "**::gone", reason: "break-glass role, SEC-7", expires: "2026-01-31" }] } };
        assert.deepStrictEqual(
            configProblems(() => runPolicyPack(wild(), { config: expired, now: NOW })).map(p => p.key),
            ["--policy-pack-config: iam-no-wildcard-actions.exemptions[0]"],
        );
        const matching = { "iam-no-wildcard-actions": { exemptions: [{ urn: "**::wild", reason: "break-glass role, SEC-7", expires: "2026-01-31" }] } };
        const result = runPolicyPack(wild(), { config: matching, now: NOW });
        assert.ok(result.violations.some(v => v.enforcementLevel === "mandatory" && /exemption '\*\*::wild' expired on 2026-01-31/.test(v.message)));
        const disabled = {
            "iam-no-wildcard-actions": {
                enforcementLevel: "disabled",
                reason: "the spec disables it to show its exemptions are not judged",
                expires: "2026-12-31",
                exemptions: [{ urn: "**::gone", reason: "break-glass role, SEC-7" }],
            },
        };
        assert.doesNotThrow(() => runPolicyPack(wild(), { config: disabled, now: NOW }));
    });
});
