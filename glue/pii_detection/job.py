"""Glue job: Glue sensitive data detection over every table of one discovered source's database.
Thin Spark adapter over core.py (shipped with --extra-py-files)."""
import sys

import boto3
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from awsglueml.transforms import EntityDetector
from pyspark.context import SparkContext

import core

args = getResolvedOptions(
    sys.argv,
    ["JOB_NAME", "JOB_RUN_ID", "source_arn", "source_database", "results_uri", "entity_types", "sample_fraction", "threshold_fraction"],
)
glue_context = GlueContext(SparkContext.getOrCreate())
glue = boto3.client("glue")
detector = EntityDetector()

tables = {}
for page in glue.get_paginator("get_tables").paginate(DatabaseName=args["source_database"]):
    for table in page["TableList"]:
        if table.get("Parameters", {}).get("DEPRECATED_BY_CRAWLER"):
            continue
        frame = glue_context.create_dynamic_frame.from_catalog(database=args["source_database"], table_name=table["Name"])
        columns = [c["Name"] for c in table.get("StorageDescriptor", {}).get("Columns", [])]
        classified = detector.classify_columns(frame, args["entity_types"].split(","), float(args["sample_fraction"]), float(args["threshold_fraction"]))
        tables[table["Name"]] = core.normalise_columns(table["Name"], classified, columns)

document = core.results_document(args["source_arn"], args["source_database"], tables)
bucket, key = core.results_key(args["results_uri"], args["JOB_NAME"], args["JOB_RUN_ID"])
boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=core.to_json(document).encode(), ContentType="application/json", ServerSideEncryption="aws:kms")
