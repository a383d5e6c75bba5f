#!/usr/bin/env python3
"""Fails when a *_test.cc file under tests/ is listed in no CMakeLists.txt.

The test executables list their sources (no globs), so a test file that nobody lists is never
built, and its cases never run, while ctest stays green.

    tests/support/check_test_listing.py TESTS_DIR
"""
import pathlib
import sys


def main(tests_dir: str) -> int:
    root = pathlib.Path(tests_dir).resolve()
    # Every word of a listing read as a path relative to its CMakeLists.txt's folder; exact
    # paths, so that "status_test.cc" is not found inside "rocksdb_status_test.cc".
    listed = set()
    for listing in root.rglob("CMakeLists.txt"):
        text = listing.read_text(encoding="utf-8").replace("${CMAKE_CURRENT_SOURCE_DIR}/", "")
        for word in text.replace("(", " ").replace(")", " ").split():
            if word.endswith(".cc"):
                listed.add((listing.parent / word).resolve())
    tests = sorted(root.rglob("*_test.cc"))
    unlisted = [path for path in tests if path not in listed]
    for path in unlisted:
        print(f"{path.relative_to(root.parent)}: listed in no CMakeLists.txt under {root}, so it is never built")
    print(f"{len(tests)} test files checked, {len(unlisted)} unlisted")
    return 1 if unlisted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
