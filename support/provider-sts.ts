/**
 * `fromTemporaryCredentials` sends AssumeRole through its own STS client, the one in
 * `@aws-sdk/nested-clients/sts` (not `@aws-sdk/client-sts`); a class mock must target the class
 * the provider really loads, so it is resolved from the provider's own location.
 */
import { createRequire } from "node:module";
import type { AssumeRoleCommand as AssumeRoleCommandClass, STSClient as STSClientClass } from "@aws-sdk/client-sts";

const providerRequire = createRequire(require.resolve("@aws-sdk/credential-providers"));
export const providerSts = providerRequire("@aws-sdk/nested-clients/sts") as {
    STSClient: typeof STSClientClass;
    AssumeRoleCommand: typeof AssumeRoleCommandClass;
};
