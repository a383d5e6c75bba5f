#!/usr/bin/env python3
"""Fails when a source file includes against the project's layering (docs/layout.md).

    proto <- engine <- projections <- log <- {processes, audit, demo} <- http <- cli
    metrics needs nothing of ours; json needs only engine and proto.

Each library may include its own headers and those of the libraries it depends on, nothing
else; third-party headers are held to the libraries that link them (librdkafka only from
consumers/, cpp-httplib only inside consumers/http/, RocksDB only from .cc files). Tests may
include anything.

    check_layering.py ROOT        check the tree at ROOT
    check_layering.py --self-test plant one violation of each rule in a scratch tree and check
                                  that every one is reported
"""
import pathlib
import re
import sys
import tempfile

PROTO = "timeline/v1"  # generated headers: "timeline/v1/*.pb.h"

# Library folder -> the library folders it may include (its own is always allowed).
ALLOWED = {
    "engine": {PROTO},
    "projections": {"engine", PROTO},
    "consumers/metrics": set(),
    "consumers/json": {"engine", PROTO},
    "consumers/log": {"projections", "engine", PROTO},
    "consumers/audit": {"consumers/log", "consumers/json", "projections", "engine", PROTO},
    "consumers/demo": {"consumers/log", "engine", PROTO},
    "consumers/processes": {"consumers/log", "consumers/metrics", "projections", "engine", PROTO},
    "consumers/http": {"consumers/processes", "consumers/audit", "consumers/json",
                       "consumers/log", "consumers/metrics", "projections", "engine", PROTO},
    "consumers/cli": {"consumers/http", "consumers/processes", "consumers/audit",
                      "consumers/demo", "consumers/json", "consumers/log",
                      "consumers/metrics", "projections", "engine", PROTO},
}

# Third-party header prefix -> (the library folders that may include it, whether headers may).
THIRD_PARTY = {
    "librdkafka/": ({"consumers/log", "consumers/processes", "consumers/http", "consumers/cli"},
                    True),
    "httplib.h": ({"consumers/http"}, True),
    "rocksdb/": ({"engine", "projections", "consumers/processes", "consumers/cli"}, False),
    "CLI/": ({"consumers/cli"}, True),
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)


def library_of(relative):
    """The library folder a source path belongs to, or None (tests, tools, generated code)."""
    parts = pathlib.PurePosixPath(relative).parts
    if len(parts) >= 2 and parts[0] == "consumers":
        return f"consumers/{parts[1]}" if len(parts) >= 3 else "consumers"
    if parts and parts[0] in ("engine", "projections"):
        return parts[0]
    return None


def included_library(target):
    """The library folder an include names, or None for a system or third-party header."""
    if target.startswith(PROTO + "/"):
        return PROTO
    parts = pathlib.PurePosixPath(target).parts
    if len(parts) >= 3 and parts[0] == "consumers":
        return f"consumers/{parts[1]}"
    if len(parts) >= 2 and parts[0] in ("engine", "projections", "tests"):
        return parts[0]
    return None


def violations_in(root):
    root = pathlib.Path(root)
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cc") or "build" in path.relative_to(root).parts[:1]:
            continue
        relative = path.relative_to(root).as_posix()
        library = library_of(relative)
        if library is None:
            continue
        if library == "consumers":
            found.append(f"{relative}: a source file directly in consumers/; it belongs to one "
                         "of its libraries (consumers/README.md)")
            continue
        if library not in ALLOWED:
            found.append(f"{relative}: {library}/ is not a library the layering knows; add it to "
                         "tests/support/check_layering.py and docs/layout.md")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in INCLUDE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            target = match.group(2)
            problem = check_include(library, path.suffix, target)
            if problem:
                found.append(f"{relative}:{line}: includes {target}: {problem}")
    return found


def check_include(library, suffix, target):
    for prefix, (users, headers_may) in THIRD_PARTY.items():
        if target.startswith(prefix):
            if library not in users:
                return f"{prefix} belongs to {', '.join(sorted(users))}"
            if suffix == ".h" and not headers_may:
                return f"{prefix} stays in .cc files: no public header of {library}/ needs it"
            return None
    included = included_library(target)
    if included is None or included == library:
        return None
    if included == "tests":
        return "library code never includes tests/"
    if included not in ALLOWED[library]:
        return (f"{library}/ may include only {', '.join(sorted(ALLOWED[library])) or 'itself'} "
                f"(the arrows in docs/layout.md)")
    return None


def self_test():
    planted = {
        "engine/a.cc": '#include "consumers/log/kafka_client.h"\n',
        "engine/b.cc": "#include <librdkafka/rdkafkacpp.h>\n",
        "projections/c.h": "#include <rocksdb/db.h>\n",
        "consumers/log/d.cc": '#include "consumers/http/query_server.h"\n',
        "consumers/cli/e.cc": "#include <httplib.h>\n",
        "consumers/f.cc": "\n",
        "consumers/json/g.cc": '#include "tests/support/test_environment.h"\n',
    }
    allowed = {
        "consumers/http/ok.cc": '#include <httplib.h>\n#include "consumers/log/topic_reader.h"\n',
        "projections/ok.cc": '#include <rocksdb/db.h>\n#include "timeline/v1/events.pb.h"\n',
        "tests/ok.cc": '#include "consumers/cli/commands.h"\n',
    }
    with tempfile.TemporaryDirectory() as scratch:
        for relative, text in {**planted, **allowed}.items():
            path = pathlib.Path(scratch, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        found = violations_in(scratch)
    reported = {line.split(":", 1)[0] for line in found}
    missed = sorted(set(planted) - reported)
    wrong = sorted(reported - set(planted))
    for relative in missed:
        print(f"self-test: the violation planted in {relative} was not reported")
    for relative in wrong:
        print(f"self-test: {relative} was reported but breaks no rule")
    if missed or wrong:
        return 1
    print(f"self-test: all {len(planted)} planted violations reported, nothing else")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = violations_in(argv[1])
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} include(s) against the layering", file=sys.stderr)
        return 1
    print("every include follows the layering")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
