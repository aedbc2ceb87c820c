/** The input is not a Macie finding this workflow understands; retrying cannot help. */
export class InvalidFindingEvent extends Error {
    override name = "InvalidFindingEvent";
}

export const DECISION_PERMANENT_ERRORS = ["InvalidFindingEvent"] as const;
