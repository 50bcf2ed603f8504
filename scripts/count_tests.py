#!/usr/bin/env python3
"""Counts test cases from Bazel's JUnit logs and prints "N passed, N failed".

A test target that failed without a test case failure in its log (it did not build,
crashed or timed out) counts as one failed case, so a broken target is never hidden.
A case the machine cannot run (the deploy tests without kubectl >= 1.21) is
reported skipped with its reason; only then does the line become
"N passed, N failed, N skipped". A skipped case never counts as passed.
"""
import argparse
import pathlib
import sys
import xml.etree.ElementTree as ET


def count(testlogs: pathlib.Path):
    """Returns (passed, failed, skipped) where skipped is [(suite, reason)],
    one entry per skipped case."""
    passed = failed = 0
    skipped = []
    for xml in sorted(testlogs.rglob("test.xml")):
        try:
            root = ET.parse(xml).getroot()
        except ET.ParseError:
            failed += 1
            continue
        cases = list(root.iter("testcase"))
        bad = [c for c in cases
               if c.find("failure") is not None or c.find("error") is not None]
        # GoogleTest marks a GTEST_SKIP case result="skipped" as well.
        skips = [c for c in cases if c not in bad and
                 (c.find("skipped") is not None or c.get("result") == "skipped")]
        for case in skips:
            reason = case.find("skipped")
            reason = reason.get("message", "") if reason is not None else ""
            skipped.append((case.get("classname", ""), reason))
        failed += len(bad)
        passed += len(cases) - len(bad) - len(skips)
        suite_failed = any(int(s.get("failures", 0)) + int(s.get("errors", 0)) > 0
                           for s in root.iter("testsuite"))
        if suite_failed and not bad:
            failed += 1
    return passed, failed, skipped


def summary(passed, failed, skipped):
    line = f"{passed} passed, {failed} failed"
    return f"{line}, {skipped} skipped" if skipped else line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("testlogs")
    parser.add_argument("--extra-passed", type=int, default=0)
    parser.add_argument("--extra-failed", type=int, default=0)
    parser.add_argument("--bazel-rc", type=int, default=0)
    args = parser.parse_args()
    passed, failed, skipped = count(pathlib.Path(args.testlogs))
    passed += args.extra_passed
    failed += args.extra_failed
    # Bazel failed (a target did not build, or a test failed) but no case shows it.
    if args.bazel_rc not in (0,) and failed == 0:
        failed = 1
    # One line per suite and reason: a missing tool skips many cases at once.
    groups = {}
    for key in skipped:
        groups[key] = groups.get(key, 0) + 1
    for (suite, reason), cases in sorted(groups.items()):
        print(f"skipped: {cases} case(s) of {suite}: {reason}")
    print(summary(passed, failed, len(skipped)))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
