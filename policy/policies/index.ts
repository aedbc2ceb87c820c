// The lakewarden policies, grouped by concern. policy/index.ts serves them; the offline runner
// and the tests evaluate them directly.
import type { LakewardenPolicy } from "../lib/define";
import * as apigateway from "./apigateway";
import * as compute from "./compute";
import * as datastores from "./datastores";
import * as glue from "./glue";
import * as iam from "./iam";
import * as imagebuilder from "./imagebuilder";
import * as kms from "./kms";
import * as lakeformation from "./lakeformation";
import * as macie from "./macie";
import * as messaging from "./messaging";
import * as pulumi from "./pulumi";
import * as s3 from "./s3";

export const lakewardenPolicies: LakewardenPolicy[] = [
    iam,
    s3,
    kms,
    lakeformation,
    glue,
    messaging,
    datastores,
    compute,
    imagebuilder,
    macie,
    apigateway,
    pulumi,
].flatMap(group => Object.values(group));
