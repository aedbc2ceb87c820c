import "../../../support/fleet-refresh/environment";
import assert from "node:assert/strict";
import { awsFixture } from "../../fixtures/aws/load";
import { handler } from "../../../lambdas/fleet-discovery/handler";
import { fleetDiscoveryStatements } from "../../../lambdas/fleet-discovery/role-policy";
import { BUILD_ACCOUNT, FakeFleetCloud, FLEET_ACCOUNT, IMAGE_PARAMETER, NEW_IMAGE, REGION } from "../../../support/fleet-refresh/fake-cloud";
import { assertNoWildcards, isRead, SCOPE } from "./role-policy-checks";

describe("fleet-discovery role policy", () => {
    let cloud: FakeFleetCloud;
    afterEach(() => cloud.restore());

    it("grants exactly the calls the Lambda makes, reads only", async () => {
        cloud = new FakeFleetCloud().addImage(NEW_IMAGE, BUILD_ACCOUNT).setImageParameter(NEW_IMAGE);
        cloud.addStandardCluster("prod", { env: "prod" }, 2);
        const selection = { requiredClusterTags: [{ key: "env", value: "prod" }], requireManagedDraining: true };
        await handler({ source: { imageId: NEW_IMAGE }, selection, waves: { size: 2 }, maxGroups: 2 });
        await handler({ source: awsFixture("imagebuilder/image-state-change-available.json"), selection, waves: { size: 2 }, maxGroups: 2 });

        const statements = fleetDiscoveryStatements(SCOPE, IMAGE_PARAMETER);
        const granted = new Set(statements.flatMap(s => s.Action));
        assert.deepEqual([...cloud.actionsCalled()].sort(), [...granted].sort());
        assert.ok([...granted].every(isRead));
        assertNoWildcards(statements);
        assert.deepEqual(statements.find(s => s.Sid === "ReadImageParameter")?.Resource, [
            `arn:aws:ssm:${REGION}:${FLEET_ACCOUNT}:parameter${IMAGE_PARAMETER}`,
        ]);
        assert.equal(
            fleetDiscoveryStatements(SCOPE, undefined).find(s => s.Sid === "ReadImageParameter"),
            undefined,
        );
    });
});
