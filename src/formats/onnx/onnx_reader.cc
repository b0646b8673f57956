#include "formats/onnx/onnx_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <limits>
#include <map>
#include <set>

#include "core/atomic_write.h"
#include "formats/onnx/onnx_import_context.h"
#include "formats/onnx/onnx_import_ops.h"
#include "formats/onnx/onnx_initializer.h"
#include "graph/validate.h"

namespace amct::onnx_import {
namespace {

using graph::DataType;
using graph::Shape;

constexpr int64_t kMaxDim = int64_t{1} << 40;

Expected<int64_t> default_opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      if (o.version() < 1 || o.version() > 1000) return error("opset version {} is out of range", o.version());
      return o.version();
    }
  return error("the model imports no version of the default ONNX opset");
}

// Ops that read input 0 as NCHW.
bool reads_nchw(const std::string& op) {
  return op == "Conv" || op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" ||
         op == "BatchNormalization";
}

Status add_graph_input(ImportContext& ctx, const onnx::ValueInfoProto& in, const onnx::GraphProto& g) {
  if (!in.type().has_tensor_type()) return error("input '{}' is not a tensor", in.name());
  const auto& tt = in.type().tensor_type();
  auto dtype = dtype_from_onnx(tt.elem_type());
  if (!dtype.ok()) return error("input '{}': {}", in.name(), dtype.status().message());
  graph::ShapeAttr shape;
  shape.unknown_rank = !tt.has_shape();
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value() && (d.dim_value() < 0 || d.dim_value() > kMaxDim))
      return error("input '{}': dim {} is out of range", in.name(), d.dim_value());
    shape.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  if (shape.dims.size() > 16) return error("input '{}' has rank {}", in.name(), shape.dims.size());
  // An NCHW image input: every reader takes it as NCHW.
  bool nchw = !shape.unknown_rank && shape.dims.size() == 4;
  bool read = false;
  for (const auto& n : g.node())
    for (int k = 0; k < n.input_size(); ++k)
      if (n.input(k) == in.name()) {
        read = true;
        nchw = nchw && k == 0 && reads_nchw(n.op_type());
      }
  nchw = nchw && read;
  const std::string ph = ctx.output_name(in.name());
  graph::ShapeAttr ph_shape = shape;
  if (nchw) ph_shape.dims = graph::Shape{shape.dims[0], shape.dims[2], shape.dims[3], shape.dims[1]};
  graph::Node p;
  p.name = ph;
  p.op = "Placeholder";
  p.attrs["dtype"] = graph::AttrValue::of_type(*dtype);
  p.attrs["shape"] = graph::AttrValue::of_shape(ph_shape);
  std::optional<Shape> known;
  if (!shape.unknown_rank) known = ph_shape.dims;
  AMCT_RETURN_IF_ERROR(ctx.add(std::move(p), known));
  Value v{ph, *dtype, std::nullopt, std::nullopt};
  if (!shape.unknown_rank) v.shape = shape.dims;
  if (nchw) {
    v.ref = ctx.internal_name(in.name() + "/nchw");
    AMCT_RETURN_IF_ERROR(ctx.add_transpose(v.ref, ph, {0, 3, 1, 2}, known));
  }
  return ctx.define(in.name(), std::move(v));
}

// ONNX requires nodes in topological order; hostile or hand-edited files may
// not be. Kahn's order over the node-produced tensors; a cycle is an error.
Expected<std::vector<int>> node_order(const onnx::GraphProto& g, const std::string& src) {
  std::map<std::string, int> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto& o : g.node(i).output()) {
      if (o.empty()) continue;
      if (!producer.emplace(o, i).second)
        return error("{}: node '{}' ({}): output '{}' is also produced by node '{}'", src, g.node(i).name(),
                     g.node(i).op_type(), o, g.node(producer[o]).name());
    }
  std::vector<int> pending(static_cast<size_t>(g.node_size()), 0);
  std::vector<std::vector<int>> readers(static_cast<size_t>(g.node_size()));
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto& in : g.node(i).input()) {
      auto it = producer.find(in);
      if (it == producer.end()) continue;
      ++pending[static_cast<size_t>(i)];
      readers[static_cast<size_t>(it->second)].push_back(i);
    }
  std::vector<int> order;
  for (int i = 0; i < g.node_size(); ++i)
    if (pending[static_cast<size_t>(i)] == 0) order.push_back(i);
  for (size_t k = 0; k < order.size(); ++k)
    for (int r : readers[static_cast<size_t>(order[k])])
      if (--pending[static_cast<size_t>(r)] == 0) order.push_back(r);
  if (order.size() != static_cast<size_t>(g.node_size())) {
    for (int i = 0; i < g.node_size(); ++i)
      if (pending[static_cast<size_t>(i)] > 0)
        return error("{}: node '{}' ({}): the graph has a cycle through this node", src, g.node(i).name(),
                     g.node(i).op_type());
  }
  return order;
}

std::string node_label(const onnx::NodeProto& n) {
  return n.name().empty() ? (n.output_size() ? n.output(0) : std::string("?")) : n.name();
}

// Makes graph output `t` a node named like it (an Identity where the tensor
// is a constant, a graph input, or a node that had to take another name).
Expected<std::string> bind_output(ImportContext& ctx, const std::string& t) {
  AMCT_ASSIGN_OR_RETURN(std::string ref, ctx.ref(t));
  const std::string want = sanitize_name(t);
  if (ref == want) return want;
  if (ctx.graph().find(want) != nullptr)
    return error("output '{}': its name is taken by another node", t);
  AMCT_ASSIGN_OR_RETURN(Value v, ctx.value(t));
  AMCT_RETURN_IF_ERROR(ctx.add(make_node(want, "Identity", {ref}, v.dtype == DataType::kInvalid ? DataType::kFloat : v.dtype),
                               v.shape));
  return want;
}

}  // namespace

bool looks_like_onnx(const std::string& bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x08 && static_cast<unsigned char>(bytes[1]) < 0x80;
}

Expected<graph::Graph> parse_onnx(const std::string& bytes, const std::string& src) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return error("{}: not a valid ONNX model: {} bytes exceeds protobuf's 2 GiB limit", src, bytes.size());
  onnx::ModelProto m;
  {
    google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
    google::protobuf::io::CodedInputStream in(&raw);
    in.SetTotalBytesLimit(std::numeric_limits<int>::max());
    if (!m.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
      return error("{}: not a valid ONNX model (truncated or corrupt protobuf)", src);
  }
  if (!m.has_graph() || m.graph().node_size() == 0) return error("{}: not a valid ONNX model (no graph nodes)", src);
  const onnx::GraphProto& g = m.graph();
  auto opset = default_opset(m);
  if (!opset.ok()) return opset.status().with_context(src);
  if (g.sparse_initializer_size() > 0) return error("{}: sparse initializers are not supported", src);
  std::set<std::string> outputs;
  for (const auto& o : g.output()) outputs.insert(o.name());
  if (outputs.empty()) return error("{}: the graph declares no outputs", src);
  ImportContext ctx(src, *opset, outputs);

  for (const auto& init : g.initializer()) {
    auto t = tensor_from_onnx(init);
    if (!t.ok()) return t.status().with_context(src + ": initializer '" + init.name() + "'");
    Status st = ctx.define(init.name(), Value{"", t->dtype(), t->shape(), *t});
    if (!st.is_ok()) return st.with_context(src);
  }
  for (const auto& in : g.input()) {
    if (ctx.is_defined(in.name())) continue;  // IR < 4 lists initializers as inputs too
    Status st = add_graph_input(ctx, in, g);
    if (!st.is_ok()) return st.with_context(src);
  }

  AMCT_ASSIGN_OR_RETURN(std::vector<int> order, node_order(g, src));
  for (int i : order) {
    const onnx::NodeProto& n = g.node(i);
    const std::string where = fmt::format("{}: node '{}' ({})", src, node_label(n), n.op_type());
    Converter conv = (n.domain().empty() || n.domain() == "ai.onnx") ? find_converter(n.op_type()) : nullptr;
    if (conv == nullptr) return error("{}: op not supported", where);
    Status st = conv(ctx, n);
    if (!st.is_ok()) return st.with_context(where);
  }

  std::set<std::string> keep;
  for (const auto& o : g.output()) {
    auto name = bind_output(ctx, o.name());
    if (!name.ok()) return name.status().with_context(src + ": graph output '" + o.name() + "'");
    keep.insert(*name);
  }
  Status st = graph::sink_transposes(ctx.graph(), keep, &ctx.shapes());
  if (st.is_ok()) st = graph::validate(ctx.graph());
  if (!st.is_ok()) return st.with_context(src);
  return std::move(ctx.graph());
}

Expected<graph::Graph> read_onnx(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes.ok()) return bytes.status();
  return parse_onnx(bytes.value(), path);
}

}  // namespace amct::onnx_import
