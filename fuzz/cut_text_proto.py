"""Keeps the first N top-level `FIELD { ... }` blocks of a protobuf text file
(plus every other top-level line): small seeds cut from real GraphDefs and
records. Usage: cut_text_proto.py FIELD N < in.txt > out.txt"""
import sys

field, keep = sys.argv[1], int(sys.argv[2])
seen, depth, skipping = 0, 0, False
for line in sys.stdin:
    s = line.strip()
    if depth == 0 and s.startswith(field + " {"):
        seen += 1
        skipping = seen > keep
    if not skipping:
        sys.stdout.write(line)
    # protoc writes structural braces at line ends; string values end in a quote.
    if s.endswith("{"):
        depth += 1
    elif s == "}":
        depth -= 1
        if depth == 0:
            skipping = False
