#!/usr/bin/env python3
"""Counts test cases from Bazel's JUnit logs and prints "N passed, N failed".

A test target that failed without a test case failure in its log (it did not build,
crashed or timed out) counts as one failed case, so a broken target is never hidden.
"""
import argparse
import pathlib
import sys
import xml.etree.ElementTree as ET


def count(testlogs: pathlib.Path):
    passed = failed = 0
    for xml in sorted(testlogs.rglob("test.xml")):
        try:
            root = ET.parse(xml).getroot()
        except ET.ParseError:
            failed += 1
            continue
        cases = list(root.iter("testcase"))
        bad = [c for c in cases
               if c.find("failure") is not None or c.find("error") is not None]
        failed += len(bad)
        passed += len(cases) - len(bad)
        suite_failed = any(int(s.get("failures", 0)) + int(s.get("errors", 0)) > 0
                           for s in root.iter("testsuite"))
        if suite_failed and not bad:
            failed += 1
    return passed, failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("testlogs")
    parser.add_argument("--extra-passed", type=int, default=0)
    parser.add_argument("--extra-failed", type=int, default=0)
    parser.add_argument("--bazel-rc", type=int, default=0)
    args = parser.parse_args()
    passed, failed = count(pathlib.Path(args.testlogs))
    passed += args.extra_passed
    failed += args.extra_failed
    # Bazel failed (a target did not build, or a test failed) but no case shows it.
    if args.bazel_rc not in (0,) and failed == 0:
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
