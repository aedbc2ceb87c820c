/**
 * Errors the workflow must not retry: Step Functions sees an error's `name` as its error type, and the
 * state machine lists these names as permanent so a bad request or an untrusted image fails at once.
 */

export type NamedErrorClass<N extends string> = new (message: string) => Error & { readonly name: N };

export function namedError<N extends string>(name: N): NamedErrorClass<N> {
    return class extends Error {
        override readonly name = name;
    };
}

export const InvalidRequestError = namedError("InvalidRequest");
export const ImageNotAvailableError = namedError("ImageNotAvailable");
export const ImageNotAllowedError = namedError("ImageNotAllowed");
/** More groups than one execution may refresh; retrying cannot help. */
export const FleetTooLargeError = namedError("FleetTooLarge");

export const DISCOVERY_PERMANENT_ERRORS = ["InvalidRequest", "ImageNotAvailable", "ImageNotAllowed", "FleetTooLarge"] as const;
