import assert from "node:assert/strict";
import { assertImageAllowed, imageSourceOf } from "../../../lambdas/fleet-discovery/image";

const IMAGE = "ami-0bbbbbbbbbbbbbbb1";
const stateChange = (status: string) => ({
  version: "0",
  source: "aws.imagebuilder",
  "detail-type": "EC2 Image Builder Image State Change",
  resources: ["arn:aws:imagebuilder:eu-west-1:111111111111:image/lakewarden-ecs/1.2.3/1"],
  detail: { "previous-state": { status: "DISTRIBUTING" }, state: { status } },
});

describe("fleet-discovery image source", () => {
  it("takes an explicit AMI id", () => {
    assert.deepEqual(imageSourceOf({ imageId: IMAGE }), { kind: "explicit", imageId: IMAGE });
  });

  it("reads an AVAILABLE Image Builder event as 'look the AMI up in the parameter'", () => {
    assert.deepEqual(imageSourceOf(stateChange("AVAILABLE")), {
      kind: "parameter",
      imageBuildVersionArn: "arn:aws:imagebuilder:eu-west-1:111111111111:image/lakewarden-ecs/1.2.3/1",
    });
  });

  it("refuses FAILED events, malformed ids and anything else", () => {
    assert.throws(() => imageSourceOf(stateChange("FAILED")), { name: "ImageNotAvailable" });
    assert.throws(() => imageSourceOf({ imageId: "ami-xyz" }), { name: "InvalidRequest" });
    assert.throws(() => imageSourceOf({ imageId: 42 }), { name: "InvalidRequest" });
    assert.throws(() => imageSourceOf({ source: "aws.ec2" }), { name: "InvalidRequest" });
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
