import * as assert from "node:assert/strict";
import { z } from "zod";
import { accountsSchema } from "../../config/accounts";
import { checkRemediation, investigationRoleName, remediationSchema } from "../../config/remediation";
import { sensitiveDataSchema } from "../../config/sensitive-data";
import { rawOf } from "../helpers/config";

// The section as config/environment.ts will hold it, until the lead adds it there.
const schema = z
    .object({ accounts: accountsSchema, sensitiveData: sensitiveDataSchema, remediation: remediationSchema })
    .superRefine((env, ctx) => checkRemediation(env, ctx));

const security = "210987654321";
const base = {
    notification: { kind: "slack", webhookSecretName: "lakewarden/prod/remediation/webhook" },
    releaserRoleArns: [`arn:aws:iam::${security}:role/lakewarden-prod-releaser`],
};

function parse(remediation: unknown) {
    const raw = rawOf("prod");
    return schema.safeParse({ accounts: raw.accounts, sensitiveData: raw.sensitiveData, remediation });
}

function problems(remediation: unknown): string[] {
    const result = parse(remediation);
    assert.ok(!result.success, "expected the section to be rejected");
    return result.error.issues.map(i => `${i.path.join(".")}: ${i.message}`);
}

describe("remediation config", () => {
    it("fills the defaults and keeps the section optional", () => {
        const result = parse(base);
        assert.ok(result.success, result.success ? "" : z.prettifyError(result.error));
        const section = result.data.remediation;
        assert.ok(section);
        assert.equal(section.quarantinePrefix, "quarantine/");
        assert.deepEqual(section.rules, { severityThreshold: "High", quarantinePublic: true, bucketOwnerAllowlist: [] });
        assert.equal(investigationRoleName("prod", section), "lakewarden-prod-investigator");
        assert.ok(parse(undefined).success);
    });

    it("accepts the samples' XYZ- account number as a custom data identifier", () => {
        const result = parse({ ...base, customDataIdentifiers: [{ name: "xyz-account-number", regex: "(XYZ-)\\d{1,2}", keywords: ["account"] }] });
        assert.ok(result.success);
        assert.equal(result.data.remediation?.customDataIdentifiers[0].maximumMatchDistance, 50);
    });

    it("rejects a releaser role outside the security account", () => {
        const found = problems({ ...base, releaserRoleArns: ["arn:aws:iam::222233334444:role/ops"] });
        assert.ok(
            found.some(p => p.startsWith("remediation.releaserRoleArns.0: a releaser role must be in the security account 210987654321")),
            found.join("\n"),
        );
    });

    it("rejects a quarantine prefix that is not one path segment", () => {
        assert.ok(problems({ ...base, quarantinePrefix: "a/b/" }).some(p => p.startsWith("remediation.quarantinePrefix:")));
    });

    it("rejects a regex that does not compile", () => {
        const identifier = { name: "x", regex: "(XYZ-\\d", keywords: [] };
        const found = problems({ ...base, customDataIdentifiers: [identifier, { ...identifier, regex: "\\d" }] });
        assert.ok(
            found.some(p => p === "remediation.customDataIdentifiers.0.regex: expected a regular expression that compiles"),
            found.join("\n"),
        );
    });

    it("rejects duplicate identifier names and an unknown allowlisted owner", () => {
        const identifier = { name: "x", regex: "\\d" };
        const found = problems({ ...base, rules: { bucketOwnerAllowlist: ["nobody"] }, customDataIdentifiers: [identifier, identifier] });
        assert.ok(
            found.some(p => p.startsWith('remediation.customDataIdentifiers.1.name: duplicate custom data identifier "x"')),
            found.join("\n"),
        );
        assert.ok(
            found.some(p => p.startsWith('remediation.rules.bucketOwnerAllowlist.0: "nobody" is not an allowed BucketOwner')),
            found.join("\n"),
        );
    });

    it("rejects an unknown notification kind and a Macie keyword too short", () => {
        const found = problems({
            ...base,
            notification: { kind: "email", webhookSecretName: "x" },
            customDataIdentifiers: [{ name: "x", regex: "\\d", keywords: ["ab"] }],
        });
        assert.ok(found.some(p => p.startsWith("remediation.notification.kind:")));
        assert.ok(found.some(p => p.startsWith("remediation.customDataIdentifiers.0.keywords.0:")));
    });
});
