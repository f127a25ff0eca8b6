#!/usr/bin/python3
"""Validate JSON Lines event logs against docs/events.schema.json (JSON Schema draft 2020-12).

Usage: validate_events.py SCHEMA LOG...
Every non-empty line of every LOG must be one JSON object valid against SCHEMA.
Exit status: 0 all valid; 1 some line invalid (one message each on stdout, at most 50),
or a LOG is empty (an empty log means the harness hook that writes it broke);
2 usage, bad schema or unreadable file; 77 (ctest skips, with the reason on stdout): the
jsonschema module is missing, a LOG does not exist (no selected test ran sigvisor), or it
is empty on a kernel without seccomp user notification (the integration tests skipped).
Run by ctest (tests/CMakeLists.txt) on the log tests/integration/harness.cc appends to.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python module jsonschema not available (apt-get install python3-jsonschema)")
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
    try:
        with open("/proc/sys/kernel/seccomp/actions_avail", encoding="ascii") as f:
            user_notif = "user_notif" in f.read()
    except OSError:
        user_notif = False
    status = 0
    shown = 0
    for path in argv[2:]:
        kinds = {}
        count = 0
        try:
            f = open(path, encoding="utf-8")
        except FileNotFoundError:
            # ctest -R selected no test that runs sigvisor (the harness creates the log on
            # the first run; Cli.HarnessAppendsEveryEventToTheLog checks that it does).
            print(f"SKIP: {path} does not exist: no selected test ran sigvisor")
            return 77
        except OSError as e:
            print(f"{path}: {e}", file=sys.stderr)
            return 2
        with f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                count += 1
                try:
                    doc = json.loads(line)
                except ValueError as e:
                    errors = [f"not JSON: {e}"]
                else:
                    if isinstance(doc, dict):
                        kinds[doc.get("event")] = kinds.get(doc.get("event"), 0) + 1
                    best = jsonschema.exceptions.best_match(validator.iter_errors(doc))
                    errors = [] if best is None else [
                        "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in best.absolute_path)
                        + f": {best.message}"]
                for err in errors:
                    status = 1
                    if shown < 50:
                        print(f"{path}:{n}: {err}\n    {line.strip()[:400]}")
                    shown += 1
        if count == 0 and not user_notif:
            print(f"SKIP: {path} is empty and this kernel lacks seccomp user notification "
                  "(the integration tests skipped)")
            return 77
        if count == 0:
            print(f"{path}: no events at all (did the integration tests run, and does the harness write the log?)")
            status = 1
        else:
            summary = ", ".join(f"{k}={v}" for k, v in sorted(kinds.items(), key=lambda kv: str(kv[0])))
            print(f"{path}: {count} events checked ({summary})")
    if shown > 50:
        print(f"... {shown - 50} more invalid lines")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
