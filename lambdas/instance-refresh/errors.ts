import { namedError } from "../fleet-discovery/errors";

/** Errors that fail the group at once instead of being retried by the state machine. */

export const ForeignRefreshInProgressError = namedError("ForeignRefreshInProgress");
export const RefreshNotFoundError = namedError("RefreshNotFound");
export const UnknownRefreshStatusError = namedError("UnknownRefreshStatus");

export const REFRESH_PERMANENT_ERRORS = ["ForeignRefreshInProgress", "RefreshNotFound", "UnknownRefreshStatus"] as const;
