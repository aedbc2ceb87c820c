import { namedError } from "../fleet-discovery/errors";

/** Errors no retry can fix; the state machine fails the run on them before any group is refreshed. */

export const LaunchTemplateNotFoundError = namedError("LaunchTemplateNotFound");
export const LaunchTemplateNotTaggedError = namedError("LaunchTemplateNotTagged");
export const UnresolvableVersionError = namedError("UnresolvableVersion");
/** The source version takes its AMI from an SSM parameter (resolve:ssm:): instance refresh cannot roll back to it. */
export const ImageAliasNotRollbackableError = namedError("ImageAliasNotRollbackable");

export const PREPARATION_PERMANENT_ERRORS = ["LaunchTemplateNotFound", "LaunchTemplateNotTagged", "UnresolvableVersion", "ImageAliasNotRollbackable"] as const;
