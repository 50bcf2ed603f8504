#!/usr/bin/env python3
"""scripts/count_tests.py on JUnit logs written here: passed, failed and
skipped cases, and the count line with and without skipped cases."""
import contextlib
import io
import pathlib
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import count_tests  # noqa: E402


def write_log(root, target, body):
    path = pathlib.Path(root, target, "test.xml")
    path.parent.mkdir(parents=True)
    path.write_text(f'<?xml version="1.0"?>\n<testsuites>{body}</testsuites>\n')


NODE_SKIPPED = (
    '<testsuite name="deploy" tests="3" failures="0" skipped="1">'
    '<testcase name="a" classname="deploy"/>'
    '<testcase name="b" classname="deploy"/>'
    '<testcase name="renders" classname="deploy">'
    '<skipped message="kubectl is not on PATH"/></testcase></testsuite>')
GTEST_SKIPPED = (
    '<testsuite name="S" tests="2" failures="0">'
    '<testcase name="Runs" classname="S" status="run" result="completed"/>'
    '<testcase name="NeedsTool" classname="S" status="run" result="skipped">'
    '<skipped message="no tool"/></testcase></testsuite>')
ONE_FAILED = (
    '<testsuite name="F" tests="2" failures="1">'
    '<testcase name="Good" classname="F"/>'
    '<testcase name="Bad" classname="F"><failure message="x"/></testcase>'
    '</testsuite>')


def run_main(testlogs, *flags):
    out = io.StringIO()
    argv = ["count_tests.py", str(testlogs), *flags]
    with mock.patch.object(sys, "argv", argv), contextlib.redirect_stdout(out):
        rc = count_tests.main()
    return rc, out.getvalue().splitlines()


class CountTestsTest(unittest.TestCase):
    def test_skipped_cases_are_counted_apart_from_passed_ones(self):
        with tempfile.TemporaryDirectory() as logs:
            write_log(logs, "node", NODE_SKIPPED)
            write_log(logs, "gtest", GTEST_SKIPPED)
            passed, failed, skipped = count_tests.count(pathlib.Path(logs))
        self.assertEqual((passed, failed), (3, 0))
        self.assertEqual(sorted(skipped), [("S", "no tool"),
                                           ("deploy", "kubectl is not on PATH")])

    def test_line_names_skipped_cases_with_reasons_and_exits_zero(self):
        with tempfile.TemporaryDirectory() as logs:
            write_log(logs, "node", NODE_SKIPPED)
            write_log(logs, "node2", NODE_SKIPPED)
            rc, lines = run_main(logs)
        self.assertEqual(rc, 0)
        self.assertEqual(lines, ["skipped: 2 case(s) of deploy: kubectl is not on PATH",
                                 "4 passed, 0 failed, 2 skipped"])

    def test_line_has_no_skipped_count_when_nothing_skipped(self):
        with tempfile.TemporaryDirectory() as logs:
            write_log(logs, "failing", ONE_FAILED)
            rc, lines = run_main(logs, "--extra-passed", "1")
        self.assertEqual(rc, 1)
        self.assertEqual(lines, ["2 passed, 1 failed"])

    def test_bazel_failure_without_a_failed_case_counts_as_one_failure(self):
        with tempfile.TemporaryDirectory() as logs:
            write_log(logs, "node", NODE_SKIPPED)
            rc, lines = run_main(logs, "--bazel-rc", "1")
        self.assertEqual(rc, 1)
        self.assertEqual(lines[-1], "2 passed, 1 failed, 1 skipped")


if __name__ == "__main__":
    unittest.main()
