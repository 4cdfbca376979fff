"""``python -m data_manager.arrow``: canonical JSON out of and into Arrow IPC streams.

    python -m data_manager.arrow to-json FILE|-            canonical JSON of a stream on stdout
    python -m data_manager.arrow from-json JSON OUT|- [--legacy]
                                                           write the stream described by a canonical JSON

Canonical JSON is defined in docs/arrow-cli.md ("to-json"). Bad input
ends with exit code 1 and a single ``error: ...`` line on stderr, never a traceback (bad usage: exit 2,
as the C# tool).
"""

from __future__ import annotations

import json
import sys
from typing import List, Optional

from .._arrow.canonical import batches_from_json, schema_from_json, to_json_document
from .._arrow.reader import StreamReader
from .._arrow.writer import StreamWriter

_USAGE = "usage: python -m data_manager.arrow to-json FILE|- | from-json JSON OUT|- [--legacy]"


def _to_json(path: str) -> int:
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    reader = StreamReader(data)
    batches = reader.read_all()
    doc = to_json_document(reader.schema, batches)
    sys.stdout.write(json.dumps(doc, allow_nan=False))
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


def _from_json(src: str, out: str, legacy: bool) -> int:
    with (sys.stdin if src == "-" else open(src, "r", encoding="utf-8")) as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or "schema" not in doc:
        raise ValueError("not a canonical JSON document (no \"schema\")")
    schema = schema_from_json(doc["schema"])
    batches = batches_from_json(schema, doc.get("batches", []))
    if out == "-":
        sink = sys.stdout.buffer
        with StreamWriter(sink, schema, legacy=legacy) as w:
            w.write_batches(batches)
        sink.flush()
    else:
        with open(out, "wb") as sink, StreamWriter(sink, schema, legacy=legacy) as w:
            w.write_batches(batches)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        legacy = "--legacy" in args
        args = [a for a in args if a != "--legacy"]
        if len(args) == 2 and args[0] == "to-json":
            return _to_json(args[1])
        if len(args) == 3 and args[0] == "from-json":
            return _from_json(args[1], args[2], legacy)
        sys.stderr.write(f"error: bad arguments; {_USAGE}\n")
        return 2
    except RecursionError:
        sys.stderr.write("error: input nested too deeply\n")
    except MemoryError:
        sys.stderr.write("error: out of memory\n")
    except Exception as e:  # the CLI contract: one error line, no traceback
        msg = " ".join(str(e).split()) or type(e).__name__
        sys.stderr.write(f"error: {msg}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
