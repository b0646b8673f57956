// Seed maker (not a fuzzer): a small float CNN built in code, quantized by
// quant::insert_quant_ops into amct's integer form (docs/QUANTIZED_MODEL.md)
// and written as a GraphDef, so fuzz_graphdef's mutations start from graphs
// that runtime::lower_quantized actually matches (no real model is this small).
//   x -> Conv2D 3x3 + BiasAdd + Relu6 -> DepthwiseConv2dNative 3x3 /2 + BiasAdd
//     + Relu6 -> Conv2D 1x1 + BiasAdd -> AvgPool -> Reshape -> MatMul + BiasAdd
// Usage: seed_quantized_graph OUT.pb [float|avgpool|old]
//   float: the graph before quantization; avgpool: AvgPool left float, so the
//   only layers are the weighted ones; old: rewritten by
//   graph::dequantize_operands into the dequantized-operand form earlier amct
//   versions saved (the matcher's other entry).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "formats/record/record.h"
#include "formats/tf/graphdef_writer.h"
#include "graph/graph.h"
#include "graph/passes/dequantize_operands.h"
#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"
#include "runtime/int8/lower_quantized.h"

namespace {

using amct::graph::AttrValue;
using amct::graph::DataType;
using amct::graph::Node;
using amct::graph::Shape;
using amct::graph::Tensor;

Node node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
          std::map<std::string, AttrValue> attrs = {{"T", AttrValue::of_type(DataType::kFloat)}}) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  return n;
}

Tensor random_floats(Shape shape, uint32_t seed, float lo, float hi) {
  Tensor t(DataType::kFloat, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// ARQ-style scales: max|w| / 127 per output channel (the last weight dim).
std::vector<float> channel_scales(const Tensor& w, int64_t channels) {
  std::vector<float> s(static_cast<size_t>(channels), 0.0f);
  for (int64_t i = 0; i < w.num_elements(); ++i) {
    float& m = s[static_cast<size_t>(i % channels)];
    m = std::max(m, std::fabs(w.data<float>()[i]));
  }
  for (float& m : s) m = std::max(m, 1e-6f) / 127.0f;
  return s;
}

struct Net {
  std::vector<Node> nodes;
  amct::record::Record rec;
};

Net make_net(bool quantize_avgpool) {
  Net n;
  auto& g = n.nodes;
  {
    amct::graph::ShapeAttr s;
    s.dims = {1, 8, 8, 3};
    g.push_back(node("input", "Placeholder", {},
                     {{"dtype", AttrValue::of_type(DataType::kFloat)}, {"shape", AttrValue::of_shape(s)}}));
  }
  auto layer = [&](const std::string& name, const std::string& op, const std::string& in, Shape ws, int stride,
                   float scale_d, int offset, uint32_t seed) {
    const int64_t channels = op == "DepthwiseConv2dNative" ? ws[2] * ws[3] : ws.back();
    const Tensor w = random_floats(ws, seed, -0.5f, 0.5f);
    g.push_back(amct::graph::make_const_node(name + "/weights", w));
    if (op == "MatMul") {
      g.push_back(node(name, op, {in, name + "/weights"}));
    } else {
      g.push_back(node(name, op, {in, name + "/weights"},
                       {{"T", AttrValue::of_type(DataType::kFloat)},
                        {"strides", AttrValue::of_ints({1, stride, stride, 1})},
                        {"padding", AttrValue::of_string("SAME")},
                        {"data_format", AttrValue::of_string("NHWC")}}));
    }
    g.push_back(amct::graph::make_const_node(name + "/bias", random_floats({channels}, seed + 1, -0.3f, 0.3f)));
    g.push_back(node(name + "/BiasAdd", "BiasAdd", {name, name + "/bias"}));
    amct::record::LayerRecord r;
    r.scale_d = scale_d;
    r.offset_d = offset;
    r.scale_w = channel_scales(w, channels);
    n.rec.layers.emplace_back(name, r);
    return name + "/BiasAdd";
  };
  const std::string c1 = layer("conv1", "Conv2D", "input", {3, 3, 3, 8}, 1, 2.0f / 255, -128, 11);
  g.push_back(node("conv1/Relu6", "Relu6", {c1}));
  const std::string dw = layer("dw", "DepthwiseConv2dNative", "conv1/Relu6", {3, 3, 8, 1}, 2, 6.0f / 255, -128, 21);
  g.push_back(node("dw/Relu6", "Relu6", {dw}));
  const std::string pw = layer("pw", "Conv2D", "dw/Relu6", {1, 1, 8, 8}, 1, 6.0f / 255, -128, 31);
  g.push_back(node("pool", "AvgPool", {pw},
                   {{"T", AttrValue::of_type(DataType::kFloat)}, {"ksize", AttrValue::of_ints({1, 4, 4, 1})},
                    {"strides", AttrValue::of_ints({1, 1, 1, 1})}, {"padding", AttrValue::of_string("VALID")},
                    {"data_format", AttrValue::of_string("NHWC")}}));
  if (quantize_avgpool) {
    amct::record::LayerRecord r;
    r.scale_d = 3.1f / 127;
    r.offset_d = 0;
    n.rec.layers.emplace_back("pool", r);
  }
  g.push_back(amct::graph::make_const_node("shape", Tensor::from_vector<int32_t>({2}, {-1, 8})));
  g.push_back(node("flat", "Reshape", {"pool", "shape"},
                   {{"T", AttrValue::of_type(DataType::kFloat)}, {"Tshape", AttrValue::of_type(DataType::kInt32)}}));
  layer("fc", "MatMul", "flat", {8, 5}, 1, 4.7f / 255, 7, 41);
  g.push_back(node("logits", "Identity", {"fc/BiasAdd"}));
  return n;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "seed_quantized_graph: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) return fail("usage: seed_quantized_graph OUT.pb [float|avgpool|old]");
  const std::string mode = argc == 3 ? argv[2] : "";
  if (!mode.empty() && mode != "float" && mode != "avgpool" && mode != "old") return fail("unknown mode '" + mode + "'");
  const Net n = make_net(mode != "avgpool");
  amct::graph::Graph g;
  for (const Node& x : n.nodes) {
    const amct::Status s = g.add_node(x);
    if (!s.is_ok()) return fail(s.message());
  }
  if (mode != "float") {
    auto ins = amct::quant::insert_quant_ops(g, amct::quant::find_quantizable_layers(g), n.rec, {"logits"});
    if (!ins.ok()) return fail(ins.status().message());
    if (ins->size() != n.rec.layers.size()) return fail("not every layer was quantized");
  }
  if (mode == "old") {
    auto r = amct::graph::dequantize_operands(g);
    if (!r.ok()) return fail(r.status().message());
    if (r->rewritten.empty()) return fail("dequantize_operands rewrote no layer");
  }
  if (mode != "float") {  // a seed the matcher does not take would not reach it
    amct::graph::Graph copy = g;
    auto rep = amct::runtime::lower_quantized(copy);
    if (!rep.ok()) return fail(rep.status().message());
    if (rep->lowered.size() != n.rec.layers.size())
      return fail("lower_quantized lowered " + std::to_string(rep->lowered.size()) + " of " +
                  std::to_string(n.rec.layers.size()) + " layers");
  }
  const amct::Status s = amct::tf::write_graphdef(argv[1], g);
  if (!s.is_ok()) return fail(s.message());
  return 0;
}
