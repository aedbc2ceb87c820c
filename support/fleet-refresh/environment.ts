import { BUILD_ACCOUNT, FLEET_ACCOUNT, IMAGE_PARAMETER, REFRESH_TAG, REGION } from "./fake-cloud";

/**
 * Imported first by every test of the fleet Lambdas. The handlers read their own settings per invocation;
 * Powertools reads its settings once, when a handler module loads: the handlers are loaded here with
 * logs and metrics off, and those two variables restored at once, so other suites' Powertools output
 * (which some of them assert on) is untouched.
 */
process.env.AWS_REGION ??= REGION;
process.env.REFRESH_TAG_KEY = REFRESH_TAG.key;
process.env.REFRESH_TAG_VALUE = REFRESH_TAG.value;
process.env.ALLOWED_IMAGE_OWNERS = `${BUILD_ACCOUNT},${FLEET_ACCOUNT}`;
process.env.IMAGE_PARAMETER_NAME = IMAGE_PARAMETER;

const QUIET = { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" };
const saved = Object.keys(QUIET).map(key => [key, process.env[key]] as const);
Object.assign(process.env, QUIET);
require("../../lambdas/fleet-discovery/handler");
require("../../lambdas/launch-template-version/handler");
require("../../lambdas/instance-refresh/handler");
for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
}
