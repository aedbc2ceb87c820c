/**
 * The remediation Lambda handler modules, loaded under the remediation environment so their
 * Powertools logger and metrics are silent in tests without changing it for other suites.
 * Remediation tests import handlers from here, never directly.
 */
import type * as DecisionModule from "../../lambdas/macie-decision/handler";
import type * as NotifyModule from "../../lambdas/notify-webhook/handler";
import type * as QuarantineModule from "../../lambdas/quarantine-object/handler";
import type * as ReleaseApiModule from "../../lambdas/release-api/handler";
import type * as ReleaseModule from "../../lambdas/release-object/handler";
import { withRemediationEnvironment } from "./remediation-environment";

const modules = withRemediationEnvironment(() => ({
    decision: require("../../lambdas/macie-decision/handler") as typeof DecisionModule,
    notify: require("../../lambdas/notify-webhook/handler") as typeof NotifyModule,
    quarantine: require("../../lambdas/quarantine-object/handler") as typeof QuarantineModule,
    release: require("../../lambdas/release-object/handler") as typeof ReleaseModule,
    releaseApi: require("../../lambdas/release-api/handler") as typeof ReleaseApiModule,
}));

export const decisionHandler = modules.decision.handler;
export const notify = modules.notify.notify;
export const notifyHandler = modules.notify.handler;
export const quarantineHandler = modules.quarantine.handler;
export const createQuarantineHandler = modules.quarantine.createHandler;
export const createReleaseHandler = modules.release.createHandler;
export const quarantineKey = modules.quarantine.quarantineKey;
export const releaseHandler = modules.release.handler;
export const handleRelease = modules.releaseApi.handleRelease;
export const releaseApiHandler = modules.releaseApi.handler;
