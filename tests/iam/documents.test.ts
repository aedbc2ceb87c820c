// The policyDocument helper: plain statements give a plain document, known at a first preview and read
// by the pack; an Output is possible only as createdArn(resource) in Resource or an Arn* condition, and
// such a document is what a first preview leaves as one unknown string (the pack blocks it). Each
// `@ts-expect-error` below is a misuse that must not compile (npm test's `tsc --noEmit` checks them);
// the same call, forced past the types, is refused at run time too.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { createdArn, policyDocument, serviceTrust, type Statement } from "../../iam/documents";
import { recordProgram } from "../../tools/offline/recorder";
import { UNKNOWN } from "../../policy/runner";
import { ACCOUNTS, runPolicyPack, violationsOf } from "../policy/helpers";

const read: Statement = { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObject", "kms:Decrypt"], Resource: ["arn:aws:s3:::lw-raw/*"] };

/** A resource output that is not a createdArn: what the types keep out of a document. */
const someOutput = () => pulumi.output("arn:aws:s3:::lw-raw");

/** A createdArn without a Pulumi run (createdArn reads only the resource's arn output). */
const created = () => createdArn({ arn: someOutput() } as unknown as aws.kms.Key);

describe("policyDocument", () => {
    it("gives plain statements as a plain JSON string, actions sorted and de-duplicated", () => {
        const document: string = policyDocument([read]);
        assert.deepStrictEqual(JSON.parse(document), {
            Version: "2012-10-17",
            Statement: [{ Sid: "Read", Effect: "Allow", Action: ["kms:Decrypt", "s3:GetObject"], Resource: ["arn:aws:s3:::lw-raw/*"] }],
        });
        assert.deepStrictEqual(
            JSON.parse(serviceTrust("states.amazonaws.com", ACCOUNTS.producer, "arn:aws:states:eu-west-1:111111111111:stateMachine:x")).Statement[0].Condition,
            {
                StringEquals: { "aws:SourceAccount": ACCOUNTS.producer },
                ArnLike: { "aws:SourceArn": "arn:aws:states:eu-west-1:111111111111:stateMachine:x" },
            },
        );
    });

    it("does not compile, and refuses at run time, an Output where a document needs a plain value", () => {
        const bad = { Sid: "Bad", Effect: "Allow" } as const;
        // @ts-expect-error an Output in an Action list
        const inAction = () => policyDocument([{ ...bad, Action: [someOutput()], Resource: ["*"] }]);
        // @ts-expect-error an Output as a principal
        const asPrincipal = () => policyDocument([{ ...bad, Action: ["sts:AssumeRole"], Principal: { AWS: someOutput() } }]);
        const org = someOutput();
        // @ts-expect-error an Output as the value of a String* condition (only Arn* operators take a createdArn)
        const inStringCondition = () => policyDocument([{ ...bad, Action: ["s3:GetObject"], Condition: { StringEquals: { "aws:PrincipalOrgID": org } } }]);
        // @ts-expect-error an Output in Resource that is not a createdArn (built from known values or config)
        const derivedResource = () => policyDocument([{ ...bad, Action: ["s3:GetObject"], Resource: [pulumi.interpolate`${someOutput()}/*`] }]);
        // @ts-expect-error a createdArn in an Action list
        const createdInAction = () => policyDocument([{ ...bad, Action: [created()], Resource: ["*"] }]);
        assert.throws(inAction, /statement Bad: Action\[0\] is an Output/);
        assert.throws(asPrincipal, /statement Bad: Principal\.AWS is an Output/);
        assert.throws(inStringCondition, /statement Bad: Condition\.StringEquals\.aws:PrincipalOrgID is an Output/);
        assert.throws(derivedResource, /statement Bad: Resource\[0\] is an Output; .*only createdArn\(resource\) may stand in Resource/);
        assert.throws(createdInAction, /statement Bad: Action\[0\] is an Output/);
    });

    it("does not compile a condition key that is an Output, a misspelled operator, or a key without a service prefix", () => {
        const bad = { Sid: "Bad", Effect: "Allow", Action: ["s3:GetObject"] } as const;
        const name = someOutput();
        // @ts-expect-error an Output as a condition key
        const outputKey = () => policyDocument([{ ...bad, Condition: { StringEquals: { [name]: "x" } } }]);
        // @ts-expect-error not an IAM condition operator
        const misspelled = () => policyDocument([{ ...bad, Condition: { StringEqual: { "aws:SourceAccount": "1" } } }]);
        // @ts-expect-error a condition key names its service (aws:, kms:, ...)
        const unprefixed = () => policyDocument([{ ...bad, Condition: { StringEquals: { SourceAccount: "1" } } }]);
        // @ts-expect-error a document with a createdArn may be an Output, never a string known at preview
        const known: () => string = () => policyDocument([{ ...bad, Resource: [created()] }]);
        assert.deepStrictEqual(
            [outputKey, misspelled, unprefixed, known].map(f => typeof f),
            ["function", "function", "function", "function"],
        );
    });

    it("takes createdArn(resource) in Resource and Arn* conditions: known after the create, one unknown string at a first preview, which the pack blocks", async () => {
        const program = () => {
            const provider = new aws.Provider("producer", { region: "eu-west-1", allowedAccountIds: [ACCOUNTS.producer] });
            const key = new aws.kms.Key("data", { description: "spec key" }, { provider });
            const policy = policyDocument([
                { Sid: "UseKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [createdArn(key)] },
                {
                    Sid: "FromKey",
                    Effect: "Allow",
                    Action: ["s3:GetObject"],
                    Resource: ["arn:aws:s3:::lw-raw/*"],
                    Condition: { ArnEquals: { "aws:SourceArn": createdArn(key) } },
                },
            ]);
            assert.ok(pulumi.Output.isInstance(policy));
            new aws.iam.RolePolicy("use-key", { role: "lakewarden-reader", policy }, { provider });
            new aws.iam.RolePolicy("plain", { role: "lakewarden-reader", policy: policyDocument([read]) }, { provider });
        };
        const deployed = await recordProgram("dev", {}, program);
        const statements = JSON.parse(String(deployed.resources.find(r => r.name === "use-key")?.props.policy)).Statement;
        assert.match(statements[0].Resource[0], /^arn:aws:kms:eu-west-1:111111111111:key\//);
        assert.strictEqual(statements[1].Condition.ArnEquals["aws:SourceArn"], statements[0].Resource[0]);

        const preview = await recordProgram("dev", {}, program, { preview: true });
        const useKey = preview.resources.find(r => r.name === "use-key");
        assert.strictEqual(useKey?.props.policy, UNKNOWN, "the whole document is unknown at a first preview");
        assert.strictEqual(preview.resources.find(r => r.name === "plain")?.props.policy, policyDocument([read]), "a plain document is known");
        const blocked = violationsOf(runPolicyPack(preview.resources, { preview: true }), "iam-no-wildcard-actions");
        assert.ok(
            blocked.some(v => v.urn === useKey.urn && v.enforcementLevel === "mandatory" && /not known at preview/.test(v.message)),
            JSON.stringify(blocked),
        );
    });
});
