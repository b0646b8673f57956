#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the real assets in
# ../shared/assets (nothing is committed): small cuts of real files, so that
# each execution stays fast under -max_len.
# Usage: fuzz/make_seeds.sh BUILD_DIR   (seeds go to BUILD_DIR/seeds/<target>/)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "${1:?usage: make_seeds.sh BUILD_DIR}" && pwd)"
ASSETS="${AMCT_ASSETS_DIR:-$ROOT/../shared/assets}"
S="$BUILD/seeds"
rm -rf "$S"
mkdir -p "$S"/{graphdef,record,quant_config,simple_config,tfrecord,example,image,quant_map,onnx}
PROTO_TF="$ROOT/src/formats/tf/proto/graph.proto"
PROTO_EX="$ROOT/src/formats/tfrecord/example.proto"

# ---- GraphDef: small real graphs whole; the first nodes of the larger ones ----
cp "$ASSETS/tf_frozen/mnist_softmax/mnist.pb" "$S/graphdef/mnist.pb"
cut_graph() {  # model.pb nodes out.pb: keep the first N top-level nodes (text form)
  protoc --proto_path="$ROOT/src" --decode=amct.tfproto.GraphDef "$PROTO_TF" < "$1" |
    python3 "$ROOT/fuzz/cut_text_proto.py" node "$2" |
    protoc --proto_path="$ROOT/src" --encode=amct.tfproto.GraphDef "$PROTO_TF" > "$3"
}
cut_graph "$ASSETS/tf_frozen/kws_ds_cnn/DS_CNN_S.pb" 40 "$S/graphdef/ds_cnn_head.pb"
cut_graph "$ASSETS/tf_frozen/poets_lock_mobilenet/mobilenet_v3.pb" 40 "$S/graphdef/poets_head.pb"
cut_graph "$ASSETS/models/mobilenet_v2_1.0_224_quant_qat.pb" 24 "$S/graphdef/mnv2_qat_head.pb"
cut_graph "$ASSETS/models/mobilenet_v2_1.0_224_quant_float.pb" 14 "$S/graphdef/mnv2_float_head.pb"
# amct's own quantized form, which `amct eval/infer/bench` lower to INT8 before
# importing: a small CNN (conv, depthwise, 1x1 conv, AvgPool, MatMul) built and
# quantized in code (fuzz/seed_quantized_graph.cc), in the integer form, without
# the AvgPool layer, and in the dequantized-operand form of earlier amct versions.
"$BUILD/fuzz/seed_quantized_graph" "$S/graphdef/amct_quantized.pb"
"$BUILD/fuzz/seed_quantized_graph" "$S/graphdef/amct_quantized_no_avgpool.pb" avgpool
"$BUILD/fuzz/seed_quantized_graph" "$S/graphdef/amct_quantized_old_form.pb" old

# ---- ONNX: the first nodes of the real models (with the initializers they
# read), and a small whole CNN in text form covering the other imported ops ----
PROTO_ONNX_DIR=$(dirname "$(dirname "$(find /usr/include -name onnx.proto -path '*onnx/onnx.proto' | head -1)")")
cut_onnx() {  # model.onnx nodes out.onnx
  protoc --proto_path="$PROTO_ONNX_DIR" --decode=onnx.ModelProto onnx/onnx.proto < "$1" |
    python3 "$ROOT/fuzz/cut_onnx_text.py" "$2" |
    protoc --proto_path="$PROTO_ONNX_DIR" --encode=onnx.ModelProto onnx/onnx.proto > "$3"
}
cut_onnx "$ASSETS/models/mobilenet_v2_1.0_224_quant_float.onnx" 4 "$S/onnx/mnv2_float_head.onnx"
cut_onnx "$ASSETS/onnx/mnist_cnn/mnist-8.onnx" 3 "$S/onnx/mnist_cnn_head.onnx"
protoc --proto_path="$PROTO_ONNX_DIR" --encode=onnx.ModelProto onnx/onnx.proto > "$S/onnx/small_cnn.onnx" <<'TXT'
ir_version: 7
opset_import { domain: "" version: 13 }
graph {
  name: "small_cnn"
  input { name: "x" type { tensor_type { elem_type: 1 shape { dim { dim_param: "N" } dim { dim_value: 2 } dim { dim_value: 4 } dim { dim_value: 4 } } } } }
  output { name: "y" type { tensor_type { elem_type: 1 } } }
  initializer { name: "w" dims: 2 dims: 2 dims: 1 dims: 1 data_type: 1 float_data: [0.5, -1, 2, 0.25] }
  initializer { name: "dw" dims: 2 dims: 1 dims: 3 dims: 3 data_type: 1 float_data: [1, 0, -1, 2, 0, -2, 1, 0, -1, 0.5, 0.5, 0.5, 0, 0, 0, -0.5, -0.5, -0.5] }
  initializer { name: "s" dims: 2 data_type: 1 float_data: [1.5, 0.5] }
  initializer { name: "b" dims: 2 data_type: 1 float_data: [0.1, -0.1] }
  initializer { name: "m" dims: 2 data_type: 1 float_data: [0, 0.2] }
  initializer { name: "v" dims: 2 data_type: 1 float_data: [1, 2] }
  initializer { name: "k" dims: 2 dims: 1 dims: 1 data_type: 1 raw_data: "\000\000\000@\000\000\200?" }
  initializer { name: "fc" dims: 3 dims: 8 data_type: 1 float_data: [1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1, 0, 0, 0, 0, -1, 0, 1, 0, -1, 0, 1, 0] }
  initializer { name: "fcb" dims: 3 data_type: 1 float_data: [0, 1, 2] }
  initializer { name: "shape" dims: 2 data_type: 7 int64_data: [0, -1] }
  node { input: "x" input: "w" output: "c1" name: "conv1" op_type: "Conv" attribute { name: "pads" ints: [0, 0, 0, 0] type: INTS } }
  node { input: "c1" input: "s" input: "b" input: "m" input: "v" output: "bn" name: "bn" op_type: "BatchNormalization" attribute { name: "epsilon" f: 0.001 type: FLOAT } }
  node { input: "bn" output: "r1" name: "relu" op_type: "Relu" }
  node { input: "r1" input: "dw" output: "c2" name: "dwconv" op_type: "Conv" attribute { name: "group" i: 2 type: INT } attribute { name: "auto_pad" s: "SAME_UPPER" type: STRING } }
  node { input: "c2" input: "k" output: "mul" name: "mul" op_type: "Mul" }
  node { input: "mul" input: "r1" output: "add" name: "add" op_type: "Add" }
  node { input: "add" output: "mp" name: "pool" op_type: "MaxPool" attribute { name: "kernel_shape" ints: [2, 2] type: INTS } attribute { name: "strides" ints: [2, 2] type: INTS } }
  node { input: "mp" input: "mp" output: "cat" name: "cat" op_type: "Concat" attribute { name: "axis" i: 1 type: INT } }
  node { input: "cat" output: "gap" name: "gap" op_type: "GlobalAveragePool" }
  node { input: "gap" input: "shape" output: "flat" name: "flat" op_type: "Reshape" }
  node { input: "flat" output: "f2" name: "flatten" op_type: "Flatten" }
  node { input: "mp" output: "f3" name: "flatten_pool" op_type: "Flatten" }
  node { input: "f3" input: "fc" output: "g" name: "fc" op_type: "Gemm" attribute { name: "transB" i: 1 type: INT } }
  node { input: "g" input: "fcb" output: "gb" name: "fcbias" op_type: "Add" }
  node { input: "gb" output: "y" name: "softmax" op_type: "Softmax" }
}
TXT

# ---- record.txt: the first records of AMCT's real record ----
# (at most 3 scale_w/offset_w per record, so the seeds fit the 4 KiB max_len)
python3 "$ROOT/fuzz/cut_text_proto.py" record 8 < "$ASSETS/amct_sample/record_quantized.txt" |
  awk '/^ *record \{/ { w = 0; o = 0 } /scale_w:/ { if (++w > 3) next } /offset_w:/ { if (++o > 3) next } { print }' \
  > "$S/record/amct_8_short.txt"
grep -n -m1 -B1 -A3 'Logits/AvgPool' "$ASSETS/amct_sample/record_quantized.txt" | sed 's/^[0-9]*[-:]//' > "$S/record/avgpool.txt" || true
printf '  }\n}\n' >> "$S/record/avgpool.txt"

# ---- config.json: AMCT's format (SPEC B 3.1) for the real record's layers ----
python3 - "$ASSETS/amct_sample/record_quantized.txt" "$S/quant_config" <<'PY'
import json, re, sys
keys = re.findall(r'key: "([^"]+)"', open(sys.argv[1]).read())[:4]
act = {"max_percentile": 0.999999, "min_percentile": 0.999999, "search_range": [0.7, 1.3],
       "search_step": 0.01, "act_algo": "ifmr"}
base = {"version": 1, "batch_num": 1, "activation_offset": True, "joint_quant": False,
        "do_fusion": True, "skip_fusion_layers": []}
layers = {k: {"quant_enable": True, "activation_quant_params": act,
              "weight_quant_params": {"wts_algo": "arq_quantize", "channel_wise": True}} for k in keys}
layers["MobilenetV2/Logits/AvgPool"] = {"quant_enable": True, "activation_quant_params":
    {"act_algo": "hfmg", "num_of_bins": 4096, "asymmetric": False}}
json.dump({**base, **layers}, open(sys.argv[2] + "/amct_layers.json", "w"))
json.dump({**base, "tensor_quantize": [{"layer_name": "MaxPool", "input_index": 0,
           "activation_quant_params": {"act_algo": "hfmg", "num_of_bins": 4096}}]},
          open(sys.argv[2] + "/tensor_quantize.json", "w"))
PY

# ---- .cfg: AMCT's simple config (SPEC B 3.1) ----
cat > "$S/simple_config/common.cfg" <<'CFG'
batch_num: 2
activation_offset: false
skip_layers: "MobilenetV2/Logits/AvgPool"
skip_layer_types: "MatMul"
do_fusion: true
skip_fusion_layers: "MobilenetV2/Conv/Conv2D"
common_config {
  arq_quantize { channel_wise: true }
  ifmr_quantize { search_range_start: 0.8 search_range_end: 1.2 search_step: 0.02
                  max_percentile: 0.99999 min_percentile: 0.99999 asymmetric: true }
}
override_layer_types { layer_type: "DepthwiseConv2dNative"
  calibration_config { arq_quantize { channel_wise: false } hfmg_quantize { num_of_bins: 2048 } } }
override_layer_configs { layer_name: "MobilenetV2/Conv/Conv2D"
  calibration_config { ifmr_quantize { search_step: 0.05 } } }
tensor_quantize { layer_name: "MobilenetV2/Logits/AvgPool" input_index: 0 hfmg_quantize { num_of_bins: 1024 } }
CFG
printf 'batch_num: 1\ncommon_config { hfmg_quantize { num_of_bins: 4096 } }\n' > "$S/simple_config/hfmg.cfg"

# ---- images: real JPEGs at 1/8 scale (baseline, progressive, gray), the MNIST PNG, a BMP of it ----
i=0
for f in "$ASSETS"/calibration_32/*.JPEG; do
  [ $i -lt 4 ] || break
  "$BUILD/fuzz/seed_jpeg" "$f" "$S/image/val_$i.jpg" baseline
  i=$((i + 1))
done
first=$(ls "$ASSETS"/calibration_32/*.JPEG | head -1)
"$BUILD/fuzz/seed_jpeg" "$first" "$S/image/val_progressive.jpg" progressive
"$BUILD/fuzz/seed_jpeg" "$first" "$S/image/val_gray.jpg" gray
cp "$ASSETS/mnist/9.png" "$S/image/mnist_9.png"
python3 - "$ASSETS/mnist/9.raw" "$S/image" <<'PY'
import struct, sys
raw = open(sys.argv[1], "rb").read()  # 28x28 gray
w = h = 28
def bmp(bpp, rows, extra=b"", colors=0):
    off = 14 + 40 + len(extra)
    img = b"".join(rows)
    hdr = struct.pack("<2sIHHI", b"BM", off + len(img), 0, 0, off)
    dib = struct.pack("<IiiHHIIiiII", 40, w, h, 1, bpp, 0, len(img), 2835, 2835, colors, 0)
    return hdr + dib + extra + img
pad = lambda b: b + b"\0" * ((4 - len(b) % 4) % 4)
rows24 = [pad(bytes(v for p in raw[y*w:(y+1)*w] for v in (p, p, p))) for y in reversed(range(h))]
open(sys.argv[2] + "/mnist_9_24bit.bmp", "wb").write(bmp(24, rows24))
pal = b"".join(struct.pack("<BBBB", i, i, i, 0) for i in range(256))
rows8 = [pad(raw[y*w:(y+1)*w]) for y in reversed(range(h))]
open(sys.argv[2] + "/mnist_9_8bit.bmp", "wb").write(bmp(8, rows8, pal, 256))
PY

# ---- tf.Example and TFRecord: the first real record; a small Example with a seed JPEG ----
python3 - "$(ls "$ASSETS"/imagenet_val_1300/tfrecord/* | grep -v '\.md$' | head -1)" "$S" "$S/image/val_0.jpg" <<'PY'
import struct, sys
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF
def masked(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF
def frame(payload):
    n = struct.pack("<Q", len(payload))
    return n + struct.pack("<I", masked(n)) + payload + struct.pack("<I", masked(payload))
src, out, jpg = sys.argv[1], sys.argv[2], sys.argv[3]
with open(src, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    f.read(4)
    first = f.read(n)
open(out + "/example/imagenet_first.pb", "wb").write(first)
open(out + "/tfrecord/imagenet_first.tfrecord", "wb").write(frame(first))
# A hand-made Example in the same layout with a small JPEG: varint-coded protobuf.
def varint(v):
    b = b""
    while True:
        x = v & 0x7F; v >>= 7
        if v: b += bytes([x | 0x80])
        else: return b + bytes([x])
def ld(field, payload): return varint(field << 3 | 2) + varint(len(payload)) + payload
def feature_bytes(v): return ld(1, ld(1, v))              # Feature.bytes_list.value
def feature_int(v): return ld(3, ld(1, varint(v)))         # Feature.int64_list.value (packed)
def entry(k, f): return ld(1, ld(1, k.encode()) + ld(2, f))  # Features.feature map entry
small = ld(1, entry("image/encoded", feature_bytes(open(jpg, "rb").read())) +
              entry("image/class/label", feature_int(474)) +
              entry("image/format", feature_bytes(b"JPEG")))
open(out + "/example/small.pb", "wb").write(small)
open(out + "/tfrecord/small_x2.tfrecord", "wb").write(frame(small) + frame(small[:40]))
PY

# ---- quant.json: amct's map format (formats/json/quant_map.cc) ----
cat > "$S/quant_map/map.json" <<'JSON'
{"version":1,"original_model":"m.pb","quantized_model":"m_quantized.pb","record_file":"record.txt",
 "target":"tf","quantized_layers":[{"name":"MobilenetV2/Conv/Conv2D","type":"Conv2D",
   "original_node":"MobilenetV2/Conv/Conv2D","original_weight_node":"MobilenetV2/Conv/weights",
   "bias_add":"MobilenetV2/Conv/BiasAdd","fused_nodes":[],"act_quant_nodes":["a"],
   "weight_quant_nodes":["w"],"bias_quant_nodes":[],"scale_d":0.0235,"offset_d":-128,"num_scale_w":32}],
 "float_layers":["MobilenetV2/Logits/AvgPool"]}
JSON
for d in "$S"/*; do echo "seeds: $(basename "$d"): $(ls "$d" | wc -l) files, $(du -sk "$d" | cut -f1) KiB"; done
