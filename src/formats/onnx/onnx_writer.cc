#include "formats/onnx/onnx_writer.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <climits>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/atomic_write.h"
#include "formats/onnx/convert_context.h"
#include "formats/onnx/onnx_tensor.h"
#include "graph/passes/dequantize_operands.h"

namespace amct::onnx_export {
namespace {

constexpr int kMinOpset = 13;  // per-axis DequantizeLinear, Clip/Squeeze inputs
constexpr int kMaxOpset = 17;  // ReduceMean axes became an input in 18

// A node the export emits as one construct with some of its producers.
struct Fusion {
  std::optional<ActQdq> qdq;
  std::optional<BiasFusion> bias;
};

struct Planned {
  const graph::Node* node;
  Fusion fusion;
};

Expected<std::vector<std::string>> resolve_outputs(const graph::Graph& g, const ExportOptions& opts) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  if (opts.outputs.empty()) {
    const auto consumers = count_consumers(g);
    for (size_t i = 0; i < g.size(); ++i) {
      const graph::Node& n = g.node(i);
      if (!consumers.count(n.name) && n.op != "Const" && n.op != "NoOp") out.push_back(n.name);
    }
    if (out.empty()) return error("graph has no output node (every node is read by another)");
    return out;
  }
  for (const std::string& o : opts.outputs) {
    AMCT_ASSIGN_OR_RETURN(const graph::TensorRef ref, graph::parse_tensor_ref(o));
    if (ref.is_control()) return error("output '{}' is a control edge, not a tensor", o);
    if (g.find(ref.node) == nullptr) return error("output '{}' is not a node of the graph", o);
    if (seen.insert(ref.str()).second) out.push_back(ref.str());
  }
  return out;
}

Expected<Fusion> find_fusion(const graph::Graph& g, const graph::Node& n, const std::map<std::string, size_t>& consumers,
                             const std::set<std::string>& outputs) {
  Fusion f;
  if (n.op == "Mul") {
    AMCT_ASSIGN_OR_RETURN(f.qdq, match_act_qdq(g, n));
  } else if (n.op == "BiasAdd") {
    AMCT_ASSIGN_OR_RETURN(f.bias, match_bias_fusion(g, n, consumers, outputs));
  }
  return f;
}

std::vector<graph::TensorRef> fusion_inputs(const graph::Graph& g, const graph::Node& n, const Fusion& f) {
  if (f.qdq) return {f.qdq->x};
  if (f.bias) return effective_inputs(g, *f.bias->core);  // the bias is read as a constant
  return effective_inputs(g, n);
}

// Nodes the outputs depend on, producers first (iterative DFS: graphs from
// files may be deep or cyclic).
Expected<std::vector<Planned>> plan(const graph::Graph& g, const std::vector<std::string>& outputs,
                                    const std::map<std::string, size_t>& consumers) {
  const std::set<std::string> output_set(outputs.begin(), outputs.end());
  std::map<std::string, int> state;  // 1 = on the stack, 2 = done
  std::map<std::string, Fusion> fusions;
  std::vector<Planned> order;
  std::vector<std::pair<const graph::Node*, bool>> stack;
  for (const std::string& o : outputs) stack.push_back({g.find(graph::parse_tensor_ref(o).value().node), false});
  while (!stack.empty()) {
    auto [n, expanded] = stack.back();
    stack.pop_back();
    if (expanded) {
      state[n->name] = 2;
      order.push_back({n, fusions[n->name]});
      continue;
    }
    if (state[n->name] != 0) continue;
    state[n->name] = 1;
    stack.push_back({n, true});
    AMCT_ASSIGN_OR_RETURN(Fusion f, find_fusion(g, *n, consumers, output_set));
    for (const graph::TensorRef& in : fusion_inputs(g, *n, f)) {
      const graph::Node* p = g.find(in.node);
      if (p == nullptr) return error("{}: input '{}' is not a node of the graph", n->describe(), in.str());
      if (state[p->name] == 1) return error("{}: graph has a cycle through '{}'", n->describe(), p->name);
      if (state[p->name] == 0) stack.push_back({p, false});
    }
    fusions[n->name] = std::move(f);
  }
  return order;
}

Status convert(Context& ctx, const Planned& p) {
  const graph::Node& n = *p.node;
  if (p.fusion.qdq) return convert_act_qdq(ctx, n, *p.fusion.qdq);
  if (p.fusion.bias) {
    const graph::Node& core = *p.fusion.bias->core;
    if (core.op == "MatMul") return convert_matmul(ctx, core, &p.fusion.bias->bias, n.name);
    return convert_conv(ctx, core, &p.fusion.bias->bias, n.name);
  }
  const ConvertFn fn = find_converter(n.op);
  if (fn == nullptr) return error("{}: op '{}' is not supported by the ONNX export", n.describe(), n.op);
  return fn(ctx, n);
}

Status add_output(Context& ctx, const std::string& tf) {
  auto it = ctx.values.find(tf);
  if (it == ctx.values.end()) return error("output '{}': not produced by the export", tf);
  Value& v = *it->second;
  if (v.is_const) return error("output '{}' is a constant; nothing to compute", tf);
  AMCT_ASSIGN_OR_RETURN(std::string name, ctx.b.plain(v));
  if (name != tf) {  // an Identity alias, or a value already named otherwise
    const std::string out = ctx.b.claim(tf);
    if (out != tf) return error("output '{}': the name is taken by another tensor", tf);
    ctx.b.add_node("Identity", tf, {name}, {out});
    name = out;
  }
  AMCT_ASSIGN_OR_RETURN(const int32_t elem, onnx_dtype(v.dtype));
  onnx::ValueInfoProto* info = ctx.b.graph()->add_output();
  info->set_name(name);
  onnx::TypeProto_Tensor* tt = info->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem);
  onnx::TensorShapeProto* sp = tt->mutable_shape();
  for (size_t i = 0; i < v.shape.size(); ++i) {
    if (v.shape[i] >= 0)
      sp->add_dim()->set_dim_value(v.shape[i]);
    else if (i == 0)
      sp->add_dim()->set_dim_param("N");
    else
      sp->add_dim();
  }
  return Status::ok();
}

Status check_model(const onnx::ModelProto& model) {
  try {
    onnx::checker::check_model(model);
    onnx::ModelProto copy = model;
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(true, 1, false));
  } catch (const std::exception& e) {
    return error("exported model fails the ONNX checker: {}", e.what());
  }
  return Status::ok();
}

}  // namespace

Expected<onnx::ModelProto> build_onnx_model(const graph::Graph& input, const ExportOptions& opts) {
  if (opts.opset < kMinOpset || opts.opset > kMaxOpset)
    return error("ONNX opset {} is not supported (use {}..{})", opts.opset, kMinOpset, kMaxOpset);
  // QDQ needs each factor next to the operand it scales: put amct's integer
  // layers in that (equivalent) form first.
  graph::Graph g = input;
  AMCT_RETURN_IF_ERROR(graph::dequantize_operands(g).status());
  AMCT_ASSIGN_OR_RETURN(const std::vector<std::string> outputs, resolve_outputs(g, opts));
  const auto consumers = count_consumers(g);
  AMCT_ASSIGN_OR_RETURN(const std::vector<Planned> order, plan(g, outputs, consumers));

  onnx::ModelProto model;
  model.set_ir_version(opts.opset <= 14 ? 7 : 8);
  model.set_producer_name("amct");
  model.set_producer_version("0.1.0");
  onnx::OperatorSetIdProto* op = model.add_opset_import();
  op->set_domain("");
  op->set_version(opts.opset);
  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("amct_export");

  std::set<std::string> reserved;
  for (size_t i = 0; i < g.size(); ++i) reserved.insert(g.node(i).name);
  ModelBuilder builder(graph, std::move(reserved));
  Context ctx(g, builder);
  ctx.outputs.insert(outputs.begin(), outputs.end());
  ctx.consumers = consumers;
  if (opts.exact_rounding) ctx.exact = plan_exact_forms(g, consumers, ctx.outputs);
  for (const Planned& p : order) AMCT_RETURN_IF_ERROR(convert(ctx, p));
  for (const std::string& o : outputs) AMCT_RETURN_IF_ERROR(add_output(ctx, o));
  AMCT_RETURN_IF_ERROR(check_model(model));
  return model;
}

Status export_onnx(const graph::Graph& g, const std::string& path, const ExportOptions& opts) {
  auto model = build_onnx_model(g, opts);
  if (!model.ok()) return model.status().with_context(path);
  if (model->ByteSizeLong() > static_cast<size_t>(INT_MAX))
    return error("{}: model is {} bytes, over protobuf's 2 GiB limit", path, model->ByteSizeLong());
  std::string bytes;
  if (!model->SerializeToString(&bytes)) return error("{}: cannot serialize the ONNX model", path);
  return write_file_atomic(path, bytes);
}

}  // namespace amct::onnx_export
