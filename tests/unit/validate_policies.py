#!/usr/bin/python3
"""Validate policy files against docs/policy.schema.json (JSON Schema draft 2020-12).

Usage: validate_policies.py SCHEMA POLICY...
Exit status: 0 all valid, 1 some invalid (one line each on stdout), 2 usage or unreadable
file, 77 the jsonschema module is missing (the calling test skips).
Run by tests/unit/policy_schema_test.cc with /usr/bin/python3 (Debian's python3-jsonschema).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python module jsonschema not available", file=sys.stderr)
    sys.exit(77)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"{argv[1]}: bad schema: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    status = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: {e}")
            status = 1
            continue
        for err in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.path]):
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.path)
            print(f"{path}: ${where}: {err.message}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
