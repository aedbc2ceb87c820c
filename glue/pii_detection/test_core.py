import unittest
from datetime import datetime, timezone

import core


class NormaliseColumns(unittest.TestCase):
    def test_keeps_detected_columns_sorted_and_unique(self):
        got = core.normalise_columns("customers", {"email": ["EMAIL", "EMAIL"], "card": ["CREDIT_CARD", "BANK_ACCOUNT"], "id": []}, ["id", "email", "card"])
        self.assertEqual(got, {"email": ["EMAIL"], "card": ["BANK_ACCOUNT", "CREDIT_CARD"]})

    def test_unknown_column_fails_the_run(self):
        with self.assertRaisesRegex(core.DetectionError, "not in the table"):
            core.normalise_columns("t", {"ghost": ["EMAIL"]}, ["id"])

    def test_non_map_result_fails_the_run(self):
        with self.assertRaisesRegex(core.DetectionError, "expected a map"):
            core.normalise_columns("t", None, ["id"])

    def test_bad_entity_list_fails_the_run(self):
        with self.assertRaisesRegex(core.DetectionError, "list of entity type names"):
            core.normalise_columns("t", {"id": "EMAIL"}, ["id"])


class ResultsDocument(unittest.TestCase):
    def test_shape_read_by_the_reporter(self):
        doc = core.results_document("arn:aws:s3:::b", "lw_dev_s3_b_1", {"z": {}, "a": {"email": ["EMAIL"]}}, datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc))
        self.assertEqual(doc, {"sourceArn": "arn:aws:s3:::b", "database": "lw_dev_s3_b_1", "detectedAt": "2026-01-02T03:04:05.678Z", "tables": {"a": {"email": ["EMAIL"]}, "z": {}}})
        self.assertEqual(list(doc["tables"]), ["a", "z"])

    def test_results_key_matches_the_reporter(self):
        self.assertEqual(core.results_key("s3://bucket/detections/runs/", "job", "jr_1"), ("bucket", "detections/runs/job/jr_1.json"))
        self.assertEqual(core.results_key("s3://bucket/runs", "job", "jr_1"), ("bucket", "runs/job/jr_1.json"))
        with self.assertRaises(core.DetectionError):
            core.results_key("https://x", "j", "r")


if __name__ == "__main__":
    unittest.main()
