// The lakewarden policies, grouped by concern. policy/index.ts serves them; the offline runner
// and the tests evaluate them directly.
import type { Policies } from "@pulumi/policy";
import type { LakewardenPolicy } from "../lib/define";
import * as iam from "./iam";

export const lakewardenPolicies: LakewardenPolicy[] = [...Object.values(iam)];

export const policies: Policies = lakewardenPolicies;
