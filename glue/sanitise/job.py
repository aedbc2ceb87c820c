"""Glue 5 job: one production table -> its sanitised copy in a lower environment (Parquet, replaced per partition).

Thin Spark adapter over core.py (shipped with --extra-py-files): every decision (policy, default deny, refusals,
tokens, generalisation, what to rebuild, what to publish and delete, catalog and metric shapes) is core's and
tested there. Arguments come from sanitise/job-arguments.ts (argparse turns `--column-policy` into
args["column_policy"]). Any exception fails the run; nothing is published before every unit is staged, and the
bookmark is committed only after publishing, so a failed run is re-run over the same input and replaces it.
"""
import sys
import uuid

import boto3
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

import core

REQUIRED = ["JOB_NAME", "dataset", "table", "source-database", "source-table", "target-bucket", "target-prefix", "staging-prefix",
            "target-database", "target-table", "token-key-secret-arn", "column-policy"]
OPTIONAL = [o for o in ("target-catalog-id", "target-key-arn", "detections-uri") if f"--{o}" in sys.argv]
args = getResolvedOptions(sys.argv, REQUIRED + OPTIONAL)
dataset, table = args["dataset"], args["table"]
bucket, target_prefix, staging_root = args["target_bucket"], args["target_prefix"].strip("/"), args["staging_prefix"].strip("/")
# The lower environment's account owns its catalog and the target bucket: calls name it, S3 checks the owner.
catalog_id = {"CatalogId": args["target_catalog_id"]} if "target_catalog_id" in args else {}
owner = {"ExpectedBucketOwner": args["target_catalog_id"]} if "target_catalog_id" in args else {}
# Copies name the target's key; without it the bucket's default encryption (its customer key) applies.
encryption = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": args["target_key_arn"]} if "target_key_arn" in args else {}

glue_context = GlueContext(SparkContext.getOrCreate())
spark = glue_context.spark_session
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
s3, glue, cloudwatch = boto3.client("s3"), boto3.client("glue"), boto3.client("cloudwatch")


def put_metrics(rows_read, rows_written, columns_refused):
    cloudwatch.put_metric_data(Namespace=core.METRICS_NAMESPACE, MetricData=core.metric_data(dataset, table, rows_read, rows_written, columns_refused))


def keys_under(prefix):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, **owner)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def read_source(**options):
    return glue_context.create_dynamic_frame.from_catalog(database=args["source_database"], table_name=args["source_table"], **options).toDF()


def main():
    # 1. Policy, with the columns today's detection records refuse (records written after the last deploy count too).
    declared = core.load_policy_argument(args["column_policy"])
    refused = []
    if "detections_uri" in args:
        records_bucket, _, records_key = args["detections_uri"][len("s3://"):].partition("/")
        try:
            body = s3.get_object(Bucket=records_bucket, Key=records_key)["Body"].read().decode("utf-8")
            refused = core.refused_by_detections(declared, core.parse_detections(body), dataset, table)
        except s3.exceptions.NoSuchKey:
            pass  # discovery has not reported on this database yet: nothing contradicts the model
    rules = core.with_refusals(declared, refused)

    # 2. Default deny on the catalog's schema, before the key is read or any data is touched.
    source = glue.get_table(DatabaseName=args["source_database"], Name=args["source_table"])["Table"]
    partition_keys = [k["Name"] for k in source.get("PartitionKeys", [])]
    source_types = {c["Name"]: c["Type"] for c in source["StorageDescriptor"]["Columns"] + source.get("PartitionKeys", [])}
    core.check_schema(rules, list(source_types))
    core.check_partition_keys(rules, partition_keys)

    # 3. The key: never logged (core's errors give only its length), held in memory for the sanitisers.
    key = core.key_from_secret(boto3.client("secretsmanager").get_secret_value(SecretId=args["token_key_secret_arn"]))
    columns = core.output_columns(core.Sanitiser(rules, list(source_types), key), source_types, partition_keys)

    # 4. What changed since the last committed bookmark decides what is rebuilt; each unit is then read whole.
    changed = read_source(transformation_ctx="source")
    has_new = bool(changed.take(1))
    if has_new:
        core.check_schema(rules, changed.columns)  # the files' schema, not only the catalog's: a new upstream column stops here
    touched = ([r.asDict() for r in changed.select(*partition_keys).distinct().collect()] if partition_keys else [{}]) if has_new else []
    units = core.publish_units(partition_keys, touched)

    run_id = uuid.uuid4().hex
    rows_read = 0
    staged = {}
    for unit in units:
        whole = read_source(**({"push_down_predicate": unit["predicate"]} if unit["predicate"] else {})).cache()
        sanitiser = core.Sanitiser(rules, whole.columns, key)  # default deny again, on this unit's files
        unit_columns = core.output_columns(sanitiser, source_types, partition_keys)
        names = [c["Name"] for c in unit_columns]
        rows_read += whole.count()
        sanitised = spark.createDataFrame(whole.rdd.map(lambda r: [sanitiser.row(r.asDict())[c] for c in names]), core.spark_schema(unit_columns))
        stage = core.staging_prefix(staging_root, run_id) + (unit["partition"] + "/" if unit["partition"] else "")
        sanitised.write.mode("errorifexists").parquet(f"s3://{bucket}/{stage}")
        whole.unpersist()
        staged[unit["partition"]] = keys_under(stage)

    # 5. Publish every unit (copy in, then delete what the previous run left), then the catalog, then the bookmark.
    for unit in units:
        final = f"{target_prefix}/{unit['partition']}/" if unit["partition"] else f"{target_prefix}/"
        plan = core.publish_plan(target_prefix, staging_root, unit["partition"], run_id, staged[unit["partition"]], keys_under(final))
        for copy in plan.copies:
            # CopyObject takes up to 5 GiB, far above a Spark part file; a larger one fails the run (re-run replaces).
            # Not the managed s3.copy: its allowed extra arguments do not include ExpectedBucketOwner in every s3transfer.
            s3.copy_object(Bucket=bucket, Key=copy["target"], CopySource={"Bucket": bucket, "Key": copy["source"]}, **encryption, **owner)
        for batch in (plan.deletes, plan.staging_cleanup):
            for i in range(0, len(batch), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch[i:i + 1000]], "Quiet": True}, **owner)

    table_input = core.catalog_table_input(args["target_table"], f"s3://{bucket}/{target_prefix}/", columns,
                                           [{"Name": k, "Type": source_types[k]} for k in partition_keys], f"{args['source_database']}.{args['source_table']}")
    try:
        glue.update_table(DatabaseName=args["target_database"], TableInput=table_input, **catalog_id)
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=args["target_database"], TableInput=table_input, **catalog_id)
    for unit in units if partition_keys else []:
        partition = core.partition_input(table_input, partition_keys, unit)
        try:
            glue.create_partition(DatabaseName=args["target_database"], TableName=args["target_table"], PartitionInput=partition, **catalog_id)
        except glue.exceptions.AlreadyExistsException:
            glue.update_partition(DatabaseName=args["target_database"], TableName=args["target_table"], PartitionValueList=partition["Values"],
                                  PartitionInput=partition, **catalog_id)

    put_metrics(rows_read, rows_read, len(core.refused_columns(declared, rules)))
    job.commit()


try:
    main()
except core.UnknownColumnError as e:
    put_metrics(0, 0, len(e.unknown))  # default deny: the run stops, the refused columns are counted
    raise
