// Entry point the Pulumi CLI runs (via @pulumi/pulumi/cmd/run-policy-pack): serves the pack over gRPC.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL } from "./lib/define";
import { lakewardenPolicies as policies } from "./policies";

new PolicyPack("lakewarden", { policies, enforcementLevel: PACK_ENFORCEMENT_LEVEL });
