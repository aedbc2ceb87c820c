import hashlib
import hmac
import json
import os
import unittest

from glue.sanitise import core

KEY = b"k" * 32
POLICY = {"columns": [
    {"name": "invoiceId", "classification": "internal", "action": "drop"},
    {"name": "accountId", "classification": "pii"},
    {"name": "purchaseTime", "classification": "confidential", "action": "generalise", "generalise": {"kind": "timestamp", "unit": "day"}},
    {"name": "purchaseAmount", "classification": "internal"},
    {"name": "purchaseItemNumber", "classification": "internal", "action": "generalise", "generalise": {"kind": "bucket", "width": 10}},
    {"name": "location", "classification": "pii", "action": "generalise", "generalise": {"kind": "location", "decimals": 1}},
    {"name": "apiKey", "classification": "secret"},
]}
COLUMNS = ["invoiceId", "accountId", "purchaseTime", "purchaseAmount", "purchaseItemNumber", "location", "apiKey"]


class PolicyTest(unittest.TestCase):
    def test_defaults_never_leave_pii_or_secret_plaintext(self):
        rules = core.parse_policy({"columns": [{"name": c, "classification": c} for c in core.DEFAULT_ACTION]})
        self.assertEqual({k: r.action for k, r in rules.items()},
                         {"public": "keep", "internal": "keep", "confidential": "tokenise", "pii": "tokenise", "secret": "drop"})

    def test_override_keep_on_pii_or_tokenise_on_secret_is_rejected(self):
        for cls, action in (("pii", "keep"), ("secret", "tokenise"), ("secret", "keep"), ("confidential", "keep")):
            with self.assertRaisesRegex(core.PolicyError, "not allowed"):
                core.parse_policy({"columns": [{"name": "c", "classification": cls, "action": action}]})

    def test_bad_generaliser_and_duplicates_rejected(self):
        with self.assertRaisesRegex(core.PolicyError, "unit"):
            core.parse_policy({"columns": [{"name": "t", "classification": "pii", "action": "generalise", "generalise": {"kind": "timestamp", "unit": "hour"}}]})
        with self.assertRaisesRegex(core.PolicyError, "duplicate"):
            core.parse_policy({"columns": [{"name": "A", "classification": "public"}, {"name": "a", "classification": "public"}]})

    def test_generaliser_must_fit_the_column_type_and_unknown_keys_fail(self):
        with self.assertRaisesRegex(core.PolicyError, "string column cannot be generalised as bucket"):
            core.parse_policy({"columns": [{"name": "n", "type": "string", "classification": "internal", "action": "generalise", "generalise": {"kind": "bucket", "width": 5}}]})
        with self.assertRaisesRegex(core.PolicyError, "unknown keys"):
            core.parse_policy({"columns": [{"name": "n", "classification": "internal", "mask": True}]})
        with self.assertRaisesRegex(core.PolicyError, "takes exactly"):
            core.parse_policy({"columns": [{"name": "t", "classification": "pii", "action": "generalise", "generalise": {"kind": "timestamp", "unit": "day", "width": 1}}]})
        with self.assertRaisesRegex(core.PolicyError, "positive"):
            core.load_policy_argument('{"columns": [{"name": "n", "classification": "internal", "action": "generalise", "generalise": {"kind": "bucket", "width": Infinity}}]}')

    def test_detection_refusal_drops_column(self):
        rules = core.parse_policy({**POLICY, "refused": ["purchaseAmount"]})
        self.assertEqual(rules["purchaseamount"].action, "drop")
        with self.assertRaisesRegex(core.PolicyError, "not in the policy"):
            core.parse_policy({**POLICY, "refused": ["nope"]})


class DefaultDenyTest(unittest.TestCase):
    def test_unknown_column_fails_before_any_row(self):
        rules = core.parse_policy(POLICY)
        with self.assertRaisesRegex(core.UnknownColumnError, "email"):
            core.Sanitiser(rules, COLUMNS + ["email"], KEY)

    def test_missing_and_case_colliding_columns_fail(self):
        rules = core.parse_policy(POLICY)
        with self.assertRaisesRegex(core.UnknownColumnError, "absent"):
            core.Sanitiser(rules, COLUMNS[:-1], KEY)
        with self.assertRaisesRegex(core.UnknownColumnError, "collide"):
            core.check_schema(rules, COLUMNS + ["APIKEY"])

    def test_short_key_refused(self):
        with self.assertRaises(core.PolicyError):
            core.Sanitiser(core.parse_policy(POLICY), COLUMNS, b"short")


class TransformTest(unittest.TestCase):
    def test_row(self):
        s = core.Sanitiser(core.parse_policy(POLICY), COLUMNS, KEY)
        out = s.row({"invoiceId": "i-1100", "accountId": "a-1003", "purchaseTime": 1648618421796, "purchaseAmount": 787,
                     "purchaseItemNumber": 17, "location": "51.5072,-0.1276", "apiKey": "sk-live"})
        self.assertEqual(out, {
            "accountId": "tok_" + hmac.new(KEY, b"a-1003", hashlib.sha256).hexdigest(),
            "purchaseTime": "2022-03-30", "purchaseAmount": 787, "purchaseItemNumber": 10, "location": "51.5,-0.2"})
        self.assertEqual(s.dropped_columns, ["invoiceId", "apiKey"])

    def test_sanitiser_pickles_and_tokens_match_tokenise(self):
        import pickle
        s = core.Sanitiser(core.parse_policy(POLICY), COLUMNS, KEY)
        row = {"invoiceId": "i", "accountId": "a-1", "purchaseTime": -1500, "purchaseAmount": 1, "purchaseItemNumber": 3,
               "location": "0.05,-0.05", "apiKey": None}
        first = s.row(row)
        copy = pickle.loads(pickle.dumps(s))
        self.assertEqual(copy.row(row), first)
        self.assertEqual(first["accountId"], core.tokenise(KEY, "a-1"))
        self.assertEqual(first["purchaseTime"], "1969-12-31")
        self.assertEqual(core.generalise({"kind": "timestamp", "unit": "month"}, 1648618421796.5), "2022-03")

    def test_tokens_deterministic_keyed_and_null_preserving(self):
        self.assertEqual(core.tokenise(KEY, "x"), core.tokenise(KEY, "x"))
        self.assertNotEqual(core.tokenise(KEY, "x"), core.tokenise(b"j" * 32, "x"))
        self.assertIsNone(core.tokenise(KEY, None))

    def test_generalise_month_iso_and_bad_location(self):
        self.assertEqual(core.generalise({"kind": "timestamp", "unit": "month"}, "2024-02-29T23:30:00-02:00"), "2024-03")
        with self.assertRaises(ValueError):
            core.generalise({"kind": "location", "decimals": 1}, "somewhere")

    def test_shared_vectors(self):
        with open(os.path.join(os.path.dirname(__file__), "vectors.json"), encoding="utf-8") as f:
            vectors = json.load(f)["vectors"]
        for v in vectors:
            self.assertEqual(core.tokenise(bytes.fromhex(v["keyHex"]), v["value"]), v["token"], v)


class PublishTest(unittest.TestCase):
    def test_partition_replaced_not_appended(self):
        root = core.default_staging_root("lower/sales/invoices")
        stage = core.staging_prefix(root, "run2") + "dt=2024-01-01/"
        self.assertEqual(stage, "lower/sales/_staging/invoices/run2/dt=2024-01-01/")
        plan = core.publish_plan("lower/sales/invoices", root, "dt=2024-01-01", "run2", [stage + "part-0.parquet", stage + "_SUCCESS"],
                                 ["lower/sales/invoices/dt=2024-01-01/run1-part-0.parquet", "lower/sales/invoices/dt=2024-01-02/run1-part-0.parquet"])
        self.assertEqual(plan.copies, [{"source": stage + "part-0.parquet", "target": "lower/sales/invoices/dt=2024-01-01/run2-part-0.parquet"}])
        self.assertEqual(plan.deletes, ["lower/sales/invoices/dt=2024-01-01/run1-part-0.parquet"])
        self.assertEqual(plan.staging_cleanup, [stage + "part-0.parquet", stage + "_SUCCESS"])

    def test_unpartitioned_table_replaces_its_whole_location(self):
        root = core.default_staging_root("lower/s/t")
        plan = core.publish_plan("lower/s/t", root, "", "r2", [core.staging_prefix(root, "r2") + "part-0.parquet"],
                                 ["lower/s/t/r1-part-0.parquet", "lower/s/t/r1-part-1.parquet", "lower/s/t2/keep.parquet"])
        self.assertEqual([c["target"] for c in plan.copies], ["lower/s/t/r2-part-0.parquet"])
        self.assertEqual(plan.deletes, ["lower/s/t/r1-part-0.parquet", "lower/s/t/r1-part-1.parquet"])

    def test_empty_or_foreign_staging_refused(self):
        root = "lower/s/_staging/t"
        with self.assertRaisesRegex(ValueError, "nothing staged"):
            core.publish_plan("lower/s/t", root, "dt=1", "r", [root + "/r/dt=1/_SUCCESS"], [])
        with self.assertRaises(ValueError):
            core.publish_plan("lower/s/t", root, "dt=1", "r", ["elsewhere/x"], [])
        with self.assertRaisesRegex(ValueError, "overlaps"):
            core.publish_plan("lower/s/t", "lower/s/t/_staging", "dt=1", "r", ["lower/s/t/_staging/r/x"], [])
        with self.assertRaises(ValueError):
            core.staging_prefix(root, "a/b")

    def test_units_rebuild_each_touched_partition_whole(self):
        units = core.publish_units(["dt", "region"], [{"dt": "2024-01-02", "region": "eu", "x": 1}, {"dt": "2024-01-01", "region": "us"},
                                                      {"dt": "2024-01-02", "region": "eu"}])
        self.assertEqual([u["partition"] for u in units], ["dt=2024-01-01/region=us", "dt=2024-01-02/region=eu"])
        self.assertEqual(units[1]["predicate"], "`dt` = '2024-01-02' AND `region` = 'eu'")
        self.assertEqual(core.publish_units([], [{}]), [{"partition": "", "values": {}, "predicate": None}])
        self.assertEqual(core.publish_units([], []), [])
        for bad in ("a/b", "..", "x'y"):
            with self.assertRaises(ValueError):
                core.publish_units(["dt"], [{"dt": bad}])


class RunInputsTest(unittest.TestCase):
    def test_key_from_secret_never_quotes_it(self):
        self.assertEqual(core.key_from_secret({"SecretString": "s" * 40}), b"s" * 40)
        self.assertEqual(core.key_from_secret({"SecretBinary": b"\x01" * 32}), b"\x01" * 32)
        with self.assertRaises(core.PolicyError) as caught:
            core.key_from_secret({"SecretString": "hunter2"})
        self.assertNotIn("hunter2", str(caught.exception))
        with self.assertRaises(core.PolicyError):
            core.key_from_secret({})

    def test_detection_on_a_lower_classified_column_refuses_it(self):
        rules = core.parse_policy(POLICY)
        records = core.parse_detections(json.dumps([
            {"database": "sales", "table": "invoices", "column": "purchaseAmount", "entityTypes": ["CREDIT_CARD"], "source": "macie", "detectedAt": "2026-12-01T00:00:00Z"},
            {"database": "sales", "table": "invoices", "column": "accountId", "entityTypes": ["PERSON_NAME"], "source": "macie", "detectedAt": "2026-12-01T00:00:00Z"},
            {"database": "sales", "table": "other", "column": "invoiceId", "entityTypes": ["EMAIL"], "source": "macie", "detectedAt": "2026-12-01T00:00:00Z"},
            {"database": "sales", "table": "invoices", "column": "newColumn", "entityTypes": ["EMAIL"], "source": "macie", "detectedAt": "2026-12-01T00:00:00Z"},
        ]))
        refused = core.refused_by_detections(rules, records, "sales", "invoices")
        self.assertEqual(refused, ["purchaseAmount"])
        after = core.with_refusals(rules, refused)
        self.assertEqual(after["purchaseamount"].action, "drop")
        self.assertEqual(core.refused_columns(rules, after), ["purchaseAmount"])
        with self.assertRaises(core.PolicyError):
            core.parse_detections('[{"database": "sales", "table": "t"}]')

    def test_shared_refusal_vectors(self):
        with open(os.path.join(os.path.dirname(__file__), "refusal-vectors.json"), encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        for c in cases:
            rules = core.parse_policy({"columns": c["columns"]})
            detections = core.parse_detections(json.dumps(c["detections"]))
            self.assertEqual(core.refused_by_detections(rules, detections, c["database"], c["table"]), c["refused"], c["name"])

    def test_partition_keys_must_be_kept(self):
        rules = core.parse_policy({"columns": [{"name": "dt", "classification": "internal"}, {"name": "region", "classification": "pii"}]})
        core.check_partition_keys(rules, ["dt"])
        with self.assertRaisesRegex(core.PolicyError, "only a kept column"):
            core.check_partition_keys(rules, ["region"])
        with self.assertRaises(core.UnknownColumnError):
            core.check_partition_keys(rules, ["hour"])

    def test_catalog_and_schema_of_the_sanitised_output(self):
        policy = {"columns": POLICY["columns"] + [{"name": "dt", "type": "string", "classification": "internal"}]}
        s = core.Sanitiser(core.parse_policy(policy), COLUMNS + ["dt"], KEY)
        types = {"invoiceId": "string", "accountId": "string", "purchaseTime": "bigint", "purchaseAmount": "double",
                 "purchaseItemNumber": "int", "location": "string", "apiKey": "string", "dt": "string"}
        columns = core.output_columns(s, types, ["dt"])
        self.assertEqual(columns, [{"Name": "accountId", "Type": "string"}, {"Name": "purchaseTime", "Type": "string"},
                                   {"Name": "purchaseAmount", "Type": "double"}, {"Name": "purchaseItemNumber", "Type": "int"},
                                   {"Name": "location", "Type": "string"}])
        self.assertEqual(core.spark_schema(columns[:2]), "`accountId` string, `purchaseTime` string")
        table = core.catalog_table_input("invoices", "s3://lower/sanitised/sales/invoices/", columns, [{"Name": "dt", "Type": "string"}], "sales.invoices")
        self.assertEqual(table["PartitionKeys"], [{"Name": "dt", "Type": "string"}])
        self.assertEqual(table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
        part = core.partition_input(table, ["dt"], core.publish_units(["dt"], [{"dt": "2024-01-01"}])[0])
        self.assertEqual(part["Values"], ["2024-01-01"])
        self.assertEqual(part["StorageDescriptor"]["Location"], "s3://lower/sanitised/sales/invoices/dt=2024-01-01/")

    def test_bucket_keeps_integers_integral(self):
        self.assertEqual(core.generalise({"kind": "bucket", "width": 10}, 17), 10)
        self.assertIsInstance(core.generalise({"kind": "bucket", "width": 10}, 17), int)
        self.assertEqual(core.generalise({"kind": "bucket", "width": 0.5}, 1.7), 1.5)
        self.assertIsInstance(core.generalise({"kind": "bucket", "width": 10}, 17.0), float)

    def test_metrics(self):
        data = core.metric_data("sales", "invoices", 10, 10, 1)
        self.assertEqual([m["MetricName"] for m in data], ["RowsRead", "RowsWritten", "ColumnsRefused"])
        self.assertEqual(data[2]["Dimensions"], [{"Name": "Dataset", "Value": "sales"}, {"Name": "Table", "Value": "invoices"}])
        self.assertEqual(core.METRICS_NAMESPACE, "lakewarden/sanitisation")


if __name__ == "__main__":
    unittest.main()
