/** The marks one column gets from a detection result (pure). */
import type { Column } from "@aws-sdk/client-glue";
import {
    CLASSIFICATION_PARAMETER,
    CLASSIFICATION_SOURCE_PARAMETER,
    COMMENT_MARKER,
    DETECTED_ENTITIES_PARAMETER,
    DETECTION_SOURCE,
    GLUE_COMMENT_MAX,
} from "../discovery-common/markers";

export interface MarkedColumn {
    column: Column;
    changed: boolean;
    entities: string[];
    /** The column carried a detection mark before this run. */
    wasMarked: boolean;
}

export function markColumn(column: Column, detected: string[] | undefined): MarkedColumn {
    const entities = [...new Set(detected ?? [])].sort();
    const parameters: Record<string, string> = { ...(column.Parameters ?? {}) };
    const wasMarked = (parameters[DETECTED_ENTITIES_PARAMETER] ?? "") !== "";
    const ownComment = (column.Comment ?? "").replace(COMMENT_MARKER, "");
    let comment: string | undefined;
    if (entities.length > 0) {
        parameters[DETECTED_ENTITIES_PARAMETER] = entities.join(",");
        // A classification the model or a person set is never overwritten; discovery only raises unset ones.
        if (parameters[CLASSIFICATION_PARAMETER] === undefined || parameters[CLASSIFICATION_SOURCE_PARAMETER] === DETECTION_SOURCE) {
            parameters[CLASSIFICATION_PARAMETER] = "pii";
            parameters[CLASSIFICATION_SOURCE_PARAMETER] = DETECTION_SOURCE;
        }
        comment = `[PII: ${entities.join(", ")}] ${ownComment}`.trimEnd().slice(0, GLUE_COMMENT_MAX);
    } else {
        delete parameters[DETECTED_ENTITIES_PARAMETER];
        if (parameters[CLASSIFICATION_SOURCE_PARAMETER] === DETECTION_SOURCE) {
            delete parameters[CLASSIFICATION_PARAMETER];
            delete parameters[CLASSIFICATION_SOURCE_PARAMETER];
        }
        comment = ownComment === "" ? undefined : ownComment;
    }
    const next: Column = { ...column, Parameters: parameters };
    if (comment === undefined) delete next.Comment;
    else next.Comment = comment;
    const changed = JSON.stringify(sorted(column.Parameters ?? {})) !== JSON.stringify(sorted(parameters)) || (column.Comment ?? undefined) !== comment;
    return { column: next, changed, entities, wasMarked };
}

function sorted(record: Record<string, string>): [string, string][] {
    return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
