#!/usr/bin/python3
"""Refuses a breaking change to the wire contract in proto/.

Compares the descriptor set protoc makes of the current .proto files with the committed baseline
(proto/descriptor/timeline_v1.binpb) and names every message, field or enum value that readers of
the stored events would no longer understand: a field removed or renumbered without `reserved`,
a field whose type, label or oneof changed, a renamed field (its JSON name is part of the
contract), an enum value renumbered or removed, a message or enum removed, a reservation dropped.
Adding fields, messages, enums and enum values is allowed.

    deploy/proto_compat.py --baseline proto/descriptor/timeline_v1.binpb --proto-dir proto
    deploy/proto_compat.py ... --update   # a deliberate change: rewrite the baseline

Exits 0 when compatible, 1 naming each break, 2 when it cannot check (no baseline, protoc
fails). Needs Debian's python3-protobuf (the same 3.21 as protoc), hence /usr/bin/python3, and
protoc on PATH.
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

try:
    from google.protobuf import descriptor_pb2
except ImportError:
    print("proto_compat: needs Debian's python3-protobuf (deploy/setup.sh); run it with "
          "/usr/bin/python3 if another python3 comes first on PATH", file=sys.stderr)
    sys.exit(2)

FieldType = descriptor_pb2.FieldDescriptorProto


def current_descriptor_set(proto_dir):
    """Runs protoc over proto_dir/timeline/**/*.proto; returns the serialized FileDescriptorSet."""
    root = pathlib.Path(proto_dir)
    files = sorted(str(p.relative_to(root)) for p in root.glob("timeline/**/*.proto"))
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "current.binpb"
        result = subprocess.run(
            ["protoc", "--include_imports", f"--descriptor_set_out={out}", f"-I{root}", *files],
            capture_output=True, text=True)
        if result.returncode != 0:
            print(f"proto_compat: protoc failed on {root}:\n{result.stderr}", file=sys.stderr)
            sys.exit(2)
        return out.read_bytes()


def index(descriptor_set_bytes):
    """Maps every message and enum full name (nested too) to its descriptor proto."""
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set_bytes).file
    messages, enums = {}, {}

    def walk(prefix, message_types, enum_types):
        for e in enum_types:
            enums[f"{prefix}.{e.name}"] = e
        for m in message_types:
            name = f"{prefix}.{m.name}"
            messages[name] = m
            walk(name, m.nested_type, m.enum_type)

    for f in files:
        if not f.name.startswith("google/"):  # well-known types are not ours to check
            walk(f.package, f.message_type, f.enum_type)
    return messages, enums


def field_type(field):
    """The type as a person reads it: `string`, `timeline.v1.Money`."""
    if field.type_name:
        return field.type_name.lstrip(".")
    return FieldType.Type.Name(field.type)[len("TYPE_"):].lower()


def field_label(field):
    if field.label == FieldType.LABEL_REPEATED:
        return "repeated"
    return "optional" if field.proto3_optional else "singular"


def oneof_of(message, field):
    if not field.HasField("oneof_index") or field.proto3_optional:
        return None
    return message.oneof_decl[field.oneof_index].name


def is_reserved(descriptor, number, name):
    in_range = any(r.start <= number < r.end for r in descriptor.reserved_range)
    return in_range and name in descriptor.reserved_name


def reservation_breaks(kind, full_name, old, new):
    breaks = []
    for r in old.reserved_range:
        if not any(n.start <= r.start and r.end <= n.end for n in new.reserved_range):
            breaks.append(f"{kind} {full_name}: reserved numbers {r.start} to {r.end - 1} "
                          "are no longer reserved")
    for name in old.reserved_name:
        if name not in new.reserved_name:
            breaks.append(f"{kind} {full_name}: reserved name \"{name}\" is no longer reserved")
    return breaks


def message_breaks(full_name, old, new):
    breaks = reservation_breaks("message", full_name, old, new)
    new_by_number = {f.number: f for f in new.field}
    new_by_name = {f.name: f for f in new.field}
    for field in old.field:
        where = f"field {full_name}.{field.name} ({field.number})"
        now = new_by_number.get(field.number)
        if now is None:
            if field.name in new_by_name:
                breaks.append(f"{where} was renumbered to {new_by_name[field.name].number}")
            elif not is_reserved(new, field.number, field.name):
                breaks.append(f"{where} was removed without reserving its number and name")
            continue
        if now.name != field.name:
            breaks.append(f"{where} was renamed to {now.name} (its JSON name changes)")
        if field_type(now) != field_type(field):
            breaks.append(f"{where} changed type from {field_type(field)} to {field_type(now)}")
        if field_label(now) != field_label(field):
            breaks.append(f"{where} changed label from {field_label(field)} to {field_label(now)}")
        if oneof_of(new, now) != oneof_of(old, field):
            breaks.append(f"{where} moved from oneof {oneof_of(old, field)} "
                          f"to oneof {oneof_of(new, now)}")
    return breaks


def enum_breaks(full_name, old, new):
    breaks = reservation_breaks("enum", full_name, old, new)
    new_by_name = {v.name: v.number for v in new.value}
    new_by_number = {v.number: v.name for v in new.value}
    for value in old.value:
        where = f"enum value {full_name}.{value.name} ({value.number})"
        if value.name in new_by_name:
            if new_by_name[value.name] != value.number:
                breaks.append(f"{where} was renumbered to {new_by_name[value.name]}")
        elif value.number in new_by_number:
            breaks.append(f"{where} was renamed to {new_by_number[value.number]}")
        elif not is_reserved(new, value.number, value.name):
            breaks.append(f"{where} was removed without reserving its number and name")
    return breaks


def compatibility_breaks(baseline_bytes, current_bytes):
    """Every change from baseline to current that breaks a reader, as one sentence each."""
    old_messages, old_enums = index(baseline_bytes)
    new_messages, new_enums = index(current_bytes)
    breaks = []
    for name, old in sorted(old_messages.items()):
        if name not in new_messages:
            breaks.append(f"message {name} was removed")
        else:
            breaks += message_breaks(name, old, new_messages[name])
    for name, old in sorted(old_enums.items()):
        if name not in new_enums:
            breaks.append(f"enum {name} was removed")
        else:
            breaks += enum_breaks(name, old, new_enums[name])
    return breaks


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="the committed descriptor set")
    parser.add_argument("--proto-dir", required=True, help="the folder holding timeline/v1/")
    parser.add_argument("--update", action="store_true",
                        help="write the current descriptor set to --baseline (a deliberate change)")
    args = parser.parse_args()

    current = current_descriptor_set(args.proto_dir)
    baseline = pathlib.Path(args.baseline)
    if args.update:
        baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(current)
        print(f"proto_compat: wrote the baseline {baseline}")
        return 0

    if not baseline.is_file():
        print(f"proto_compat: no baseline {baseline}; make it with --update", file=sys.stderr)
        return 2
    breaks = compatibility_breaks(baseline.read_bytes(), current)
    for b in breaks:
        print(f"BREAKING: {b}")
    if breaks:
        print(f"proto_compat: {len(breaks)} breaking change(s) to {args.proto_dir} against "
              f"{baseline}; fix them, or refresh the baseline on purpose with --update",
              file=sys.stderr)
        return 1
    messages, enums = index(current)
    print(f"proto_compat: compatible with {baseline} ({len(messages)} messages, {len(enums)} enums)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
