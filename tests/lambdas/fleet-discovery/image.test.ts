import assert from "node:assert/strict";
import { assertImageAllowed, imageSourceOf } from "../../../lambdas/fleet-discovery/image";
import { awsFixture } from "../../fixtures/aws/load";

const IMAGE = "ami-0bbbbbbbbbbbbbbb1";
/** The documented Image Builder event (tests/fixtures/aws/imagebuilder), at the given status. */
const stateChange = (status: string) => {
    const event = awsFixture("imagebuilder/image-state-change-available.json");
    event.detail.state.status = status;
    return event;
};
const BUILD_VERSION = "arn:aws:imagebuilder:us-west-2:111122223333:image/cmkencryptedworkflowtest-a1b2c3d4-5678-90ab-cdef-EXAMPLE22222/1.0.0/1";

describe("fleet-discovery image source", () => {
    it("takes an explicit AMI id", () => {
        assert.deepEqual(imageSourceOf({ imageId: IMAGE }), { kind: "explicit", imageId: IMAGE });
    });

    it("reads an AVAILABLE Image Builder event as 'look the AMI up in the parameter'", () => {
        assert.deepEqual(imageSourceOf(stateChange("AVAILABLE")), {
            kind: "parameter",
            imageBuildVersionArn: BUILD_VERSION,
        });
    });

    it("refuses FAILED events, malformed ids and anything else", () => {
        assert.throws(() => imageSourceOf(stateChange("FAILED")), { name: "ImageNotAvailable" });
        assert.throws(() => imageSourceOf({ imageId: "ami-xyz" }), { name: "InvalidRequest" });
        assert.throws(() => imageSourceOf({ imageId: 42 }), { name: "InvalidRequest" });
        assert.throws(() => imageSourceOf({ source: "aws.ec2" }), { name: "InvalidRequest" });
        const { time: _time, ...withoutTime } = stateChange("AVAILABLE");
        assert.throws(() => imageSourceOf(withoutTime), { name: "InvalidRequest", message: /time/ });
        assert.throws(() => imageSourceOf(["not", "an", "object"]), { name: "InvalidRequest" });
    });

    it("allows only available AMIs owned by an allowed account", () => {
        const owners = ["111111111111"];
        assert.doesNotThrow(() => assertImageAllowed(IMAGE, { imageId: IMAGE, ownerId: "111111111111", state: "available" }, owners));
        assert.throws(() => assertImageAllowed(IMAGE, undefined, owners), { name: "ImageNotAllowed" });
        assert.throws(() => assertImageAllowed(IMAGE, { imageId: IMAGE, ownerId: "999999999999", state: "available" }, owners), { name: "ImageNotAllowed" });
        assert.throws(() => assertImageAllowed(IMAGE, { imageId: IMAGE, ownerId: undefined, state: "available" }, owners), { name: "ImageNotAllowed" });
        assert.throws(() => assertImageAllowed(IMAGE, { imageId: IMAGE, ownerId: "111111111111", state: "pending" }, owners), { name: "ImageNotAvailable" });
    });
});
