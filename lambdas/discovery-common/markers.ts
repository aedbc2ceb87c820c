/** Where detections are marked in the catalog and in Lake Formation. */
export { DETECTED_ENTITIES_PARAMETER } from "../../contracts/detections";

/** The column parameter the rest of lakewarden reads (the same key DataCatalog writes from the model). */
export const CLASSIFICATION_PARAMETER = "lakewarden:classification";
/** Set beside the classification when discovery (not the model or a person) wrote it, so it may clear it. */
export const CLASSIFICATION_SOURCE_PARAMETER = "lakewarden:classification-source";
export const DETECTION_SOURCE = "detection";
/** LF-tag on tables (false) and on PII columns (true): grants by `lakewarden-pii = false` exclude PII. */
export const PII_LF_TAG = "lakewarden-pii";
/** Column comment prefix written by the reporter; anything after it is the owner's text, kept. */
export const COMMENT_MARKER = /^\[PII: [^\]]*\] ?/;
export const GLUE_COMMENT_MAX = 255;
/** The reporter's metric (namespace lakewarden, dimension service=discovery-reporter) the disagreement alarm watches. */
export const DISAGREEMENT_METRIC = "ClassificationDisagreements";
