"""job.py needs Spark and AWS to run; these checks keep it a thin adapter over core without either."""
import ast
import os
import unittest

from glue.sanitise import core

JOB = os.path.join(os.path.dirname(__file__), "job.py")


def tree():
    with open(JOB, encoding="utf-8") as f:
        return ast.parse(f.read(), JOB)


class JobAdapterTest(unittest.TestCase):
    def test_calls_only_what_core_defines(self):
        used = {n.attr for n in ast.walk(tree()) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "core"}
        self.assertGreater(len(used), 10)
        self.assertEqual(sorted(u for u in used if not hasattr(core, u)), [])

    def test_logs_nothing(self):
        # The tokenisation key and row values must never reach a log: the adapter prints and logs nothing at all.
        names = {n.id for n in ast.walk(tree()) if isinstance(n, ast.Name)} | {n.attr for n in ast.walk(tree()) if isinstance(n, ast.Attribute)}
        self.assertEqual(sorted(names & {"print", "logging", "logger", "getLogger", "info", "warn", "warning", "debug"}), [])

    def test_no_transformation_of_its_own(self):
        # Decisions live in core: the adapter defines only its run and its AWS helpers.
        functions = sorted(n.name for n in ast.walk(tree()) if isinstance(n, ast.FunctionDef))
        self.assertEqual(functions, ["keys_under", "main", "put_metrics", "read_source"])


if __name__ == "__main__":
    unittest.main()
