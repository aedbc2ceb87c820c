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
        stage = core.staging_prefix(root, "run2")
        self.assertEqual(stage, "lower/sales/_staging/invoices/run2/")
        plan = core.publish_plan("lower/sales/invoices", root, "dt=2024-01-01", "run2", [stage + "part-0.parquet"],
                                 ["lower/sales/invoices/dt=2024-01-01/run1-part-0.parquet", "lower/sales/invoices/dt=2024-01-02/run1-part-0.parquet"])
        self.assertEqual(plan.copies, [{"source": stage + "part-0.parquet", "target": "lower/sales/invoices/dt=2024-01-01/run2-part-0.parquet"}])
        self.assertEqual(plan.deletes, ["lower/sales/invoices/dt=2024-01-01/run1-part-0.parquet"])

    def test_empty_or_foreign_staging_refused(self):
        with self.assertRaises(ValueError):
            core.publish_plan("lower/s/t", "lower/s/_staging/t", "dt=1", "r", [], [])
        with self.assertRaises(ValueError):
            core.publish_plan("lower/s/t", "lower/s/_staging/t", "dt=1", "r", ["elsewhere/x"], [])
        with self.assertRaisesRegex(ValueError, "overlaps"):
            core.publish_plan("lower/s/t", "lower/s/t/_staging", "dt=1", "r", ["lower/s/t/_staging/r/x"], [])


if __name__ == "__main__":
    unittest.main()
