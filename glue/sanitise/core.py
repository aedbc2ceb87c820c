"""Sanitisation core: column policy, default-deny schema check, tokenisation, generalisation, publish plan.

Plain Python (standard library only, no Spark) so it is unit-tested from `npm test`; job.py is a thin
Spark adapter over exactly these functions.
"""
import hashlib
import hmac
import json
import math
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

ACTIONS = ("keep", "drop", "tokenise", "generalise")
# What a lower environment receives when the model gives no override. pii and secret never leave as plaintext.
DEFAULT_ACTION = {
    "public": "keep",
    "internal": "keep",
    "confidential": "tokenise",
    "pii": "tokenise",
    "secret": "drop",
}
# Overrides a classification may take: pii may be dropped or generalised instead of tokenised, never kept.
ALLOWED_ACTIONS = {
    "public": set(ACTIONS),
    "internal": set(ACTIONS),
    "confidential": {"drop", "tokenise", "generalise"},
    "pii": {"drop", "tokenise", "generalise"},
    "secret": {"drop"},
}
TOKEN_PREFIX = "tok_"
# Column types each generaliser reads (config/datasets.ts GENERALISABLE_TYPES): epoch ms or ISO text, numbers, "lat,lon".
GENERALISABLE_TYPES = {
    "timestamp": re.compile(r"^(timestamp|date|bigint|string)$"),
    "bucket": re.compile(r"^(tinyint|smallint|int|bigint|float|double|decimal\(\d+,\d+\))$"),
    "location": re.compile(r"^string$"),
}


class PolicyError(ValueError):
    """The policy handed to the job is malformed or breaks a classification rule."""


class UnknownColumnError(ValueError):
    """The data holds a column the policy does not know (default deny) or lacks one it declares."""

    def __init__(self, message: str, unknown: Sequence[str] = ()):
        super().__init__(message)
        self.unknown = list(unknown)


@dataclass(frozen=True)
class ColumnRule:
    name: str
    classification: str
    action: str
    generalise: Optional[Mapping[str, Any]] = None
    # Glue/Hive type the model declares (for the lower environment's catalog table); None when not given.
    type: Optional[str] = None


POLICY_KEYS = {"columns", "refused"}
COLUMN_KEYS = {"name", "type", "classification", "action", "generalise"}


def parse_policy(raw: Mapping[str, Any]) -> Dict[str, ColumnRule]:
    """Policy JSON (generated from the model) -> rules keyed by lower-cased column name."""
    if not isinstance(raw, Mapping):
        raise PolicyError("policy: expected an object")
    extra = set(raw) - POLICY_KEYS
    if extra:
        raise PolicyError(f"policy: unknown keys {sorted(extra)} (known: {sorted(POLICY_KEYS)})")
    columns = raw.get("columns")
    if not isinstance(columns, list) or not columns:
        raise PolicyError("policy.columns: expected a non-empty list")
    refused = {str(c).lower() for c in raw.get("refused", [])}
    rules: Dict[str, ColumnRule] = {}
    for i, col in enumerate(columns):
        if not isinstance(col, Mapping):
            raise PolicyError(f"policy.columns[{i}]: expected an object")
        extra = set(col) - COLUMN_KEYS
        if extra:
            raise PolicyError(f"policy.columns[{i}]: unknown keys {sorted(extra)} (known: {sorted(COLUMN_KEYS)})")
        name = str(col.get("name", ""))
        classification = col.get("classification")
        if not name:
            raise PolicyError(f"policy.columns[{i}].name: required")
        if classification not in DEFAULT_ACTION:
            raise PolicyError(f"policy.columns[{i}].classification: {classification!r} is not one of {sorted(DEFAULT_ACTION)}")
        action = col.get("action") or DEFAULT_ACTION[classification]
        if action not in ALLOWED_ACTIONS[classification]:
            raise PolicyError(f"policy.columns[{i}] ({name}): action {action!r} not allowed for {classification} (allowed: {sorted(ALLOWED_ACTIONS[classification])})")
        generalise = col.get("generalise")
        if action == "generalise":
            _check_generaliser(name, generalise)
        elif generalise is not None:
            raise PolicyError(f"policy.columns[{i}] ({name}): generalise given but action is {action}")
        key = name.lower()
        if key in rules:
            raise PolicyError(f"policy.columns[{i}]: duplicate column {name!r} (names compare case-insensitively)")
        # A detection that disagrees with the model: the column is refused (dropped) until the model is updated.
        if key in refused:
            action, generalise = "drop", None
        column_type = col.get("type")
        if column_type is not None and not isinstance(column_type, str):
            raise PolicyError(f"policy.columns[{i}] ({name}): type must be a string")
        if action == "generalise" and column_type is not None and not GENERALISABLE_TYPES[generalise["kind"]].match(column_type):
            raise PolicyError(f"policy.columns[{i}] ({name}): a {column_type} column cannot be generalised as {generalise['kind']}")
        rules[key] = ColumnRule(name, classification, action, generalise, column_type)
    unknown_refused = refused - rules.keys()
    if unknown_refused:
        raise PolicyError(f"policy.refused: columns not in the policy: {sorted(unknown_refused)}")
    return rules


def _check_generaliser(name: str, spec: Any) -> None:
    if not isinstance(spec, Mapping):
        raise PolicyError(f"{name}: action generalise needs a generalise spec")
    kind = spec.get("kind")
    expected = {"timestamp": {"kind", "unit"}, "bucket": {"kind", "width"}, "location": {"kind", "decimals"}}.get(kind)
    if expected is not None and set(spec) != expected:
        raise PolicyError(f"{name}: generalise {kind} takes exactly {sorted(expected)}, got {sorted(spec)}")
    if kind == "timestamp":
        if spec.get("unit") not in ("day", "month"):
            raise PolicyError(f"{name}: timestamp unit must be day or month")
    elif kind == "bucket":
        width = spec.get("width")
        if not isinstance(width, (int, float)) or isinstance(width, bool) or not math.isfinite(width) or width <= 0:
            raise PolicyError(f"{name}: bucket width must be a positive number")
    elif kind == "location":
        decimals = spec.get("decimals")
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 2:
            raise PolicyError(f"{name}: location decimals must be 0, 1 or 2 (2 decimals is about 1 km)")
    else:
        raise PolicyError(f"{name}: generalise kind must be timestamp, bucket or location")


def check_schema(rules: Mapping[str, ColumnRule], data_columns: Sequence[str]) -> List[str]:
    """Default deny: every data column must be in the policy and every policy column in the data.

    Returns the data column names in order; raises before anything is read or written.
    """
    seen: Dict[str, str] = {}
    for c in data_columns:
        if c.lower() in seen:
            raise UnknownColumnError(f"data columns {seen[c.lower()]!r} and {c!r} collide case-insensitively")
        seen[c.lower()] = c
    unknown = sorted(c for k, c in seen.items() if k not in rules)
    missing = sorted(r.name for k, r in rules.items() if k not in seen)
    problems = []
    if unknown:
        problems.append(f"columns not in the policy (add them to the dataset model): {unknown}")
    if missing:
        problems.append(f"policy columns absent from the data: {missing}")
    if problems:
        raise UnknownColumnError("; ".join(problems), unknown)
    return list(data_columns)


def tokenise(key: bytes, value: Any) -> Optional[str]:
    """Deterministic keyed token: tok_ + hex HMAC-SHA256 over the UTF-8 text of the value (null stays null)."""
    if value is None:
        return None
    return TOKEN_PREFIX + hmac.new(key, _text(value).encode("utf-8"), hashlib.sha256).hexdigest()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def generalise(spec: Mapping[str, Any], value: Any) -> Any:
    if value is None:
        return None
    kind = spec["kind"]
    if kind == "timestamp":
        return _truncate_time(value, spec["unit"])
    if kind == "bucket":
        width = spec["width"]
        if isinstance(value, int) and not isinstance(value, bool) and isinstance(width, int):
            return (value // width) * width
        return float(math.floor(float(value) / width) * width)
    return _coarsen_location(value, spec["decimals"])


def _truncate_time(value: Any, unit: str) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        # Epoch milliseconds, as in the seed's purchaseTime (1648618421796); floored to the second, same day/month.
        t = time.gmtime(value // 1000 if isinstance(value, int) else math.floor(value / 1000))
        return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}" if unit == "day" else f"{t.tm_year:04d}-{t.tm_mon:02d}"
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d" if unit == "day" else "%Y-%m")


def _coarsen_location(value: Any, decimals: int) -> str:
    """'lat,lon' rounded down to `decimals` places (floor, so a point never moves into a neighbour's cell)."""
    parts = str(value).split(",")
    if len(parts) != 2:
        raise ValueError("location must be 'lat,lon'")
    scale = 10 ** decimals
    coarse = [math.floor(float(p) * scale) / scale for p in parts]
    return ",".join(f"{c:.{decimals}f}" for c in coarse)


class Sanitiser:
    """Applies the rules to rows. Any value error fails the run (fail closed).

    Picklable (Spark ships it to executors): the keyed HMAC state is rebuilt from the key after unpickling.
    """

    def __init__(self, rules: Mapping[str, ColumnRule], data_columns: Sequence[str], key: bytes):
        if len(key) < 32:
            raise PolicyError("tokenisation key must be at least 32 bytes")
        self._key = key
        ordered = check_schema(rules, data_columns)
        self.plan = [(c, rules[c.lower()]) for c in ordered]
        self.output_columns = [c for c, r in self.plan if r.action != "drop"]
        self.dropped_columns = [c for c, r in self.plan if r.action == "drop"]
        self._steps: Optional[List[Any]] = None

    def __getstate__(self) -> Dict[str, Any]:
        return {**self.__dict__, "_steps": None}

    def _compile(self) -> List[Any]:
        # The key's HMAC state once, copied per value: same tokens as tokenise(), without re-keying each time.
        base = hmac.new(self._key, digestmod=hashlib.sha256)

        def token(value: Any) -> Optional[str]:
            if value is None:
                return None
            h = base.copy()
            h.update(_text(value).encode("utf-8"))
            return TOKEN_PREFIX + h.hexdigest()

        steps = []
        for column, rule in self.plan:
            if rule.action == "keep":
                steps.append((column, None))
            elif rule.action == "tokenise":
                steps.append((column, token))
            elif rule.action == "generalise":
                spec = rule.generalise
                steps.append((column, lambda value, spec=spec: generalise(spec, value)))
        return steps

    def row(self, row: Mapping[str, Any]) -> Dict[str, Any]:
        if self._steps is None:
            self._steps = self._compile()
        out: Dict[str, Any] = {}
        for column, step in self._steps:
            value = row.get(column)
            out[column] = value if step is None else step(value)
        return out

    def rows(self, rows: Iterable[Mapping[str, Any]]) -> Iterable[Dict[str, Any]]:
        return (self.row(r) for r in rows)


def output_type(rule: ColumnRule, source_type: str) -> str:
    """Glue/Hive type of the sanitised column, for the lower environment's catalog table."""
    if rule.action == "tokenise":
        return "string"
    if rule.action == "generalise" and rule.generalise and rule.generalise["kind"] in ("timestamp", "location"):
        return "string"
    if rule.action == "generalise":
        width = (rule.generalise or {}).get("width")
        return source_type if source_type in INTEGRAL_TYPES and isinstance(width, int) else "double"
    return source_type


INTEGRAL_TYPES = ("tinyint", "smallint", "int", "bigint")


@dataclass(frozen=True)
class PublishPlan:
    copies: List[Dict[str, str]]
    deletes: List[str]
    staging_cleanup: List[str]


def default_staging_root(target_prefix: str) -> str:
    """Beside the table location, never inside it, so a reader of the table never sees staged objects."""
    parent, _, table = target_prefix.strip("/").rpartition("/")
    return f"{parent}/_staging/{table}" if parent else f"_staging/{table}"


def staging_prefix(staging_root: str, run_id: str) -> str:
    """One run's staging prefix under the job's --staging-prefix."""
    if not run_id or "/" in run_id:
        raise ValueError(f"run id {run_id!r} must be non-empty and contain no '/'")
    return f"{staging_root.strip('/')}/{run_id}/"


def partition_path(partition_keys: Sequence[str], values: Mapping[str, Any]) -> str:
    """Hive-style `k1=v1/k2=v2` of one partition ('' for an unpartitioned table: the whole location is the unit)."""
    parts = []
    for k in partition_keys:
        v = values.get(k)
        if v is None or "/" in str(v) or str(v) in ("", ".", ".."):
            raise ValueError(f"partition value {k}={v!r} cannot name a path segment")
        parts.append(f"{k}={v}")
    return "/".join(parts)


def publish_plan(target_prefix: str, staging_root: str, partition: str, run_id: str, staged_keys: Sequence[str], existing_keys: Sequence[str]) -> PublishPlan:
    """Replace a partition: copy staged objects into it, then delete what the previous run left there.

    Re-running the same partition therefore yields exactly the new run's objects (no duplicates). Objects
    are published only after the whole job succeeded; staging is outside the table location. An empty
    `partition` is the whole table location (unpartitioned table): every object there is replaced, staging
    excepted.
    """
    target = target_prefix.strip("/")
    root = staging_root.strip("/")
    if root == target or root.startswith(target + "/") or target.startswith(root + "/"):
        raise ValueError(f"staging root {root} overlaps the table location {target}")
    unit = partition.strip("/")
    stage = staging_prefix(root, run_id) + (unit + "/" if unit else "")
    final = f"{target}/{unit}/" if unit else f"{target}/"
    for key in staged_keys:
        if not key.startswith(stage):
            raise ValueError(f"staged object {key} outside {stage}")
    # Spark's _SUCCESS marker (and any hidden file) is not data: cleaned up, never published.
    data = [k for k in staged_keys if not k.rsplit("/", 1)[-1].startswith(("_", "."))]
    if not data:
        raise ValueError("nothing staged: refusing to publish an empty partition over existing data")
    copies = [{"source": key, "target": final + f"{run_id}-" + key[len(stage):].replace("/", "_")} for key in data]
    new_targets = {c["target"] for c in copies}
    # An unpartitioned table replaces its whole location; a partitioned one only the partition's objects.
    deletes = sorted(k for k in existing_keys if k.startswith(final) and k not in new_targets)
    return PublishPlan(copies, deletes, list(staged_keys))


def load_policy_argument(text: str) -> Dict[str, ColumnRule]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise PolicyError(f"--column-policy is not JSON: {e}") from e
    return parse_policy(raw)


# --- Run-time inputs: the key, detections, partitions, catalog, metrics -------------------------------------

SENSITIVE = ("pii", "secret")
METRICS_NAMESPACE = "lakewarden/sanitisation"


def key_from_secret(response: Mapping[str, Any]) -> bytes:
    """The tokenisation key from a GetSecretValue response: SecretBinary bytes or the UTF-8 bytes of SecretString.

    Same bytes sanitise/tokenise.ts takes as its key. Errors never quote the value.
    """
    if response.get("SecretBinary") is not None:
        key = bytes(response["SecretBinary"])
    elif isinstance(response.get("SecretString"), str):
        key = response["SecretString"].encode("utf-8")
    else:
        raise PolicyError("tokenisation secret has neither SecretString nor SecretBinary")
    if len(key) < 32:
        raise PolicyError(f"tokenisation key must be at least 32 bytes (the secret holds {len(key)})")
    return key


def parse_detections(text: str) -> List[Dict[str, Any]]:
    """Detection records (contracts/detections.ts): a list of {database, table, column, entityTypes, source, detectedAt}."""
    try:
        records = json.loads(text)
    except json.JSONDecodeError as e:
        raise PolicyError(f"detection records are not JSON: {e}") from e
    if not isinstance(records, list):
        raise PolicyError("detection records: expected a list")
    for i, r in enumerate(records):
        if not isinstance(r, Mapping) or not all(isinstance(r.get(k), str) and r.get(k) for k in ("database", "table", "column")):
            raise PolicyError(f"detection records[{i}]: expected database, table and column")
        types = r.get("entityTypes")
        if not isinstance(types, list) or not types:
            raise PolicyError(f"detection records[{i}]: expected a non-empty entityTypes list")
    return [dict(r) for r in records]


def refused_by_detections(rules: Mapping[str, ColumnRule], detections: Iterable[Mapping[str, Any]], database: str, table: str) -> List[str]:
    """Columns of this table a detection reports as sensitive while the model classifies them lower.

    Same rule as sanitise/refusals.ts refusedColumns (the plan's report). A detection on a column the policy does
    not know is not a refusal: default deny already stops the run on that column.
    """
    refused = set()
    for d in detections:
        if d["database"].lower() != database.lower() or d["table"].lower() != table.lower():
            continue
        rule = rules.get(d["column"].lower())
        if rule is not None and rule.classification not in SENSITIVE:
            refused.add(rule.name)
    return sorted(refused)


def with_refusals(rules: Mapping[str, ColumnRule], refused: Iterable[str]) -> Dict[str, ColumnRule]:
    """The rules with each refused column dropped (a detection the model disagrees with)."""
    names = {c.lower() for c in refused}
    unknown = names - rules.keys()
    if unknown:
        raise PolicyError(f"refused columns not in the policy: {sorted(unknown)}")
    return {k: (ColumnRule(r.name, r.classification, "drop", None, r.type) if k in names else r) for k, r in rules.items()}


def refused_columns(before: Mapping[str, ColumnRule], after: Mapping[str, ColumnRule]) -> List[str]:
    """Columns the refusals turned into drops (the ColumnsRefused metric)."""
    return sorted(r.name for k, r in after.items() if r.action == "drop" and before[k].action != "drop")


def check_partition_keys(rules: Mapping[str, ColumnRule], partition_keys: Sequence[str]) -> None:
    """A partition value is a path segment of the lower environment's objects: only a kept column may be one."""
    for k in partition_keys:
        rule = rules.get(k.lower())
        if rule is None:
            raise UnknownColumnError(f"partition key {k!r} is not in the policy", [k])
        if rule.action != "keep":
            raise PolicyError(f"partition key {k!r} is {rule.classification} with action {rule.action}; only a kept column may partition the output")


def publish_units(partition_keys: Sequence[str], touched: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """What a run rebuilds: each partition its new source files touched (bookmarked read), rebuilt in full.

    An unpartitioned table with any new file is rebuilt whole (one unit, path ''); no new file means no unit.
    Each unit has its partition path and the push-down predicate that reads the whole source partition.
    """
    units: Dict[str, Dict[str, Any]] = {}
    for values in touched:
        path = partition_path(partition_keys, values)
        units[path] = {"partition": path, "values": {k: values[k] for k in partition_keys}, "predicate": partition_predicate(partition_keys, values)}
    return [units[k] for k in sorted(units)]


def partition_predicate(partition_keys: Sequence[str], values: Mapping[str, Any]) -> Optional[str]:
    """Spark SQL predicate selecting one partition (None for an unpartitioned table)."""
    if not partition_keys:
        return None
    terms = []
    for k in partition_keys:
        v = str(values[k])
        if "'" in v or "\\" in v:
            raise ValueError(f"partition value {k}={v!r} contains a quote or backslash")
        terms.append(f"`{k}` = '{v}'")
    return " AND ".join(terms)


def output_columns(sanitiser: "Sanitiser", source_types: Mapping[str, str], partition_keys: Sequence[str]) -> List[Dict[str, str]]:
    """Name and type of each column the lower environment receives, partition keys excluded (they are the path).

    Names are the sanitiser's (the data's spelling); types are looked up case-insensitively in the catalog's.
    """
    keys = {k.lower() for k in partition_keys}
    types = {k.lower(): v for k, v in source_types.items()}
    rules = dict(sanitiser.plan)
    return [{"Name": c, "Type": output_type(rules[c], types[c.lower()])} for c in sanitiser.output_columns if c.lower() not in keys]


def spark_schema(columns: Sequence[Mapping[str, str]]) -> str:
    """DDL schema of the sanitised rows (Glue/Hive column types are Spark SQL types for these)."""
    return ", ".join(f"`{c['Name']}` {c['Type']}" for c in columns)


def catalog_table_input(table: str, location: str, columns: Sequence[Mapping[str, str]], partition_keys: Sequence[Mapping[str, str]], source: str) -> Dict[str, Any]:
    """TableInput of the lower environment's table: Parquet at `location`, the sanitised columns and types."""
    return {
        "Name": table,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet", "lakewarden:sanitised-from": source},
        "PartitionKeys": [{"Name": k["Name"], "Type": k["Type"]} for k in partition_keys],
        "StorageDescriptor": {
            "Columns": [{"Name": c["Name"], "Type": c["Type"]} for c in columns],
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
    }


def partition_input(table_input: Mapping[str, Any], partition_keys: Sequence[str], unit: Mapping[str, Any]) -> Dict[str, Any]:
    """PartitionInput of one published unit: the table's storage at the partition's location."""
    sd = dict(table_input["StorageDescriptor"])
    sd["Location"] = sd["Location"].rstrip("/") + "/" + unit["partition"] + "/"
    return {"Values": [str(unit["values"][k]) for k in partition_keys], "StorageDescriptor": sd}


def metric_data(dataset: str, table: str, rows_read: int, rows_written: int, columns_refused: int) -> List[Dict[str, Any]]:
    """PutMetricData entries (namespace METRICS_NAMESPACE) for one run."""
    dims = [{"Name": "Dataset", "Value": dataset}, {"Name": "Table", "Value": table}]
    return [
        {"MetricName": name, "Dimensions": dims, "Value": float(value), "Unit": "Count"}
        for name, value in (("RowsRead", rows_read), ("RowsWritten", rows_written), ("ColumnsRefused", columns_refused))
    ]
