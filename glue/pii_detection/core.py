"""Plain-Python core of the PII detection job (no Spark import): turns Glue's classifyColumns()
results per table into the results document the discovery reporter reads.

classifyColumns() "returns a map where keys are column names and values are list of detected entity
types" (AWS Glue Developer Guide, "Using Sensitive Data Detection outside AWS Glue Studio").
"""
import json
from datetime import datetime, timezone


class DetectionError(Exception):
    """A table could not be scanned: the run fails rather than report it as clean."""


def normalise_columns(table, classified, columns):
    """Entity types per column of one table, sorted and de-duplicated; columns the detector did not
    name are absent (no entity found). A column name the table does not have is an error."""
    if not isinstance(classified, dict):
        raise DetectionError(f"{table}: classifyColumns returned {type(classified).__name__}, expected a map")
    known = set(columns)
    result = {}
    for column, entities in classified.items():
        if column not in known:
            raise DetectionError(f"{table}: detector named column {column!r}, not in the table")
        if not isinstance(entities, (list, tuple)) or not all(isinstance(e, str) and e for e in entities):
            raise DetectionError(f"{table}.{column}: expected a list of entity type names, got {entities!r}")
        if entities:
            result[column] = sorted(set(entities))
    return result


def results_document(source_arn, database, tables, detected_at=None):
    """The document written to <results_uri><job name>/<job run id>.json."""
    when = (detected_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {
        "sourceArn": source_arn,
        "database": database,
        "detectedAt": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
        "tables": {name: tables[name] for name in sorted(tables)},
    }


def results_key(results_uri, job_name, job_run_id):
    """Bucket and key of a run's results (the reporter computes the same key from the job event)."""
    if not results_uri.startswith("s3://"):
        raise DetectionError(f"results_uri must be s3://, got {results_uri!r}")
    bucket, _, prefix = results_uri[len("s3://"):].partition("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return bucket, f"{prefix}{job_name}/{job_run_id}.json"


def to_json(document):
    return json.dumps(document, indent=2, sort_keys=True)
