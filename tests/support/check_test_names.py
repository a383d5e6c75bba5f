#!/usr/bin/env python3
"""Fails when a Catch2 TEST_CASE name would not run under ctest.

catch_discover_tests cuts a test's name at a ';' (CMake's list separator): the test then matches
no test case, and ctest still reports it "Passed" in no time. Names also must be unique.

    tests/support/check_test_names.py TESTS_DIR
"""
import pathlib
import re
import sys

TEST_CASE = re.compile(r'TEST_CASE\(((?:\s*"(?:[^"\\]|\\.)*")+)')
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def main(tests_dir: str) -> int:
    problems = []
    seen = {}
    for path in sorted(pathlib.Path(tests_dir).rglob("*.cc")):
        for match in TEST_CASE.finditer(path.read_text(encoding="utf-8")):
            name = "".join(LITERAL.findall(match.group(1)))
            if ";" in name:
                problems.append(f"{path}: the name holds a ';', so ctest would run nothing: {name}")
            if name in seen:
                problems.append(f"{path}: the name is also used in {seen[name]}: {name}")
            seen.setdefault(name, path)
    for problem in problems:
        print(problem)
    print(f"{len(seen)} test names checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
