"""Cuts an ONNX model in protoc text form to its first N nodes: keeps the
initializers those nodes read, the graph inputs, and declares the last kept
node's first output as the graph output. Usage: cut_onnx_text.py N < in.txt > out.txt"""
import re
import sys

keep = int(sys.argv[1])
lines = sys.stdin.read().splitlines(keepends=True)
head, tail, blocks = [], [], []  # blocks: (field, [lines]) at graph level
depth, in_graph, after, cur = 0, False, False, None
for line in lines:
    s = line.strip()
    if depth == 0 and s.startswith("graph {"):
        in_graph = True
        head.append(line)
    elif in_graph and depth == 1 and cur is None and s.endswith("{"):
        cur = (s.split()[0], [line])
    elif cur is not None:
        cur[1].append(line)
    elif in_graph and depth == 1 and s == "}":
        in_graph, after = False, True
        tail.append(line)
    elif in_graph:
        blocks.append(("line", [line]))
    else:
        (tail if after else head).append(line)
    if s.endswith("{"):
        depth += 1
    elif s == "}":
        depth -= 1
        if cur is not None and depth == 1:
            blocks.append(cur)
            cur = None

nodes = [b for b in blocks if b[0] == "node"][:keep]
used = set()
for _, body in nodes:
    used.update(re.findall(r'^\s*input: "([^"]*)"', "".join(body), re.M))
last_out = re.findall(r'^\s*output: "([^"]*)"', "".join(nodes[-1][1]), re.M)[0]
out = list(head)
for b in nodes:
    out += b[1]
for field, body in blocks:
    text = "".join(body)
    if field == "initializer":
        name = re.findall(r'^\s*name: "([^"]*)"', text, re.M)
        if name and name[-1] in used:
            out += body
    elif field in ("input", "line"):
        out += body
out.append('  output {\n    name: "%s"\n    type {\n      tensor_type {\n        elem_type: 1\n      }\n    }\n  }\n' % last_out)
out += tail
sys.stdout.write("".join(out))
