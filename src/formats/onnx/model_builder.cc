#include "formats/onnx/model_builder.h"

#include "formats/onnx/onnx_tensor.h"

namespace amct::onnx_export {

ModelBuilder::ModelBuilder(onnx::GraphProto* graph, std::set<std::string> reserved)
    : graph_(graph), reserved_(std::move(reserved)) {}

std::string ModelBuilder::fresh(const std::string& base) {
  std::string name = base;
  for (int i = 1; used_.count(name) || reserved_.count(name); ++i) name = base + "_" + std::to_string(i);
  used_.insert(name);
  return name;
}

std::string ModelBuilder::claim(const std::string& name) {
  if (used_.count(name)) return fresh(name);
  used_.insert(name);
  return name;
}

onnx::NodeProto* ModelBuilder::add_node(const std::string& op, const std::string& node_name,
                                        const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs) {
  std::string name = node_name;
  for (int i = 1; node_names_.count(name); ++i) name = node_name + "_" + std::to_string(i);
  node_names_.insert(name);
  onnx::NodeProto* n = graph_->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& in : inputs) n->add_input(in);
  for (const auto& out : outputs) n->add_output(out);
  return n;
}

namespace {
Expected<std::string> emit_initializer(onnx::GraphProto* g, const std::string& name, const graph::Tensor& t) {
  onnx::TensorProto proto;
  AMCT_RETURN_IF_ERROR(tensor_to_onnx(t, name, &proto));
  *g->add_initializer() = std::move(proto);
  return name;
}
}  // namespace

Expected<std::string> ModelBuilder::add_initializer(const std::string& base, const graph::Tensor& t) {
  return emit_initializer(graph_, fresh(base), t);
}

Expected<std::string> ModelBuilder::add_tf_initializer(const std::string& tf_name, const graph::Tensor& t) {
  return emit_initializer(graph_, claim(tf_name), t);
}

std::string ModelBuilder::add_int64s(const std::string& base, const std::vector<int64_t>& v) {
  const std::string name = fresh(base);
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(v.size()));
  for (int64_t x : v) t->add_int64_data(x);
  return name;
}

std::string ModelBuilder::float_scalar(float v) {
  auto it = float_scalars_.find(v);
  if (it != float_scalars_.end()) return it->second;
  const std::string name = fresh(fmt::format("amct/scalar_{}", v));
  float_scalars_[v] = name;
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_float_data(v);
  return name;
}

Value* ModelBuilder::new_value() { return &values_.emplace_back(); }

std::string ModelBuilder::result_name(const std::string& tf_name, bool is_output, bool is_nchw) {
  if (is_output && is_nchw) return fresh(tf_name + "/nchw");
  return claim(tf_name);
}

Expected<std::string> ModelBuilder::plain(Value& v) {
  if (!v.plain.empty()) return v.plain;
  if (v.is_const) {
    AMCT_ASSIGN_OR_RETURN(v.plain, add_tf_initializer(v.tf_name, v.constant));
    return v.plain;
  }
  if (v.nchw.empty()) return error("tensor '{}' has not been produced", v.tf_name);
  const std::string out = v.is_output ? claim(v.tf_name) : fresh(v.tf_name + "/nhwc");
  onnx::NodeProto* t = add_node("Transpose", out, {v.nchw}, {out});
  set_attr(t, "perm", std::vector<int64_t>{0, 2, 3, 1});
  v.plain = out;
  return v.plain;
}

Expected<std::string> ModelBuilder::nchw(Value& v) {
  if (!v.nchw.empty()) return v.nchw;
  if (v.rank() != 4) return error("tensor '{}' has rank {}, expected 4 (NHWC)", v.tf_name, v.rank());
  if (v.is_const) {
    AMCT_ASSIGN_OR_RETURN(graph::Tensor t, permute(v.constant, {0, 3, 1, 2}));
    AMCT_ASSIGN_OR_RETURN(v.nchw, add_initializer(v.tf_name + "/nchw", t));
    return v.nchw;
  }
  AMCT_ASSIGN_OR_RETURN(const std::string src, plain(v));
  const std::string out = fresh(v.tf_name + "/nchw");
  onnx::NodeProto* t = add_node("Transpose", out, {src}, {out});
  set_attr(t, "perm", std::vector<int64_t>{0, 3, 1, 2});
  v.nchw = out;
  return v.nchw;
}

void set_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void set_attr(onnx::NodeProto* n, const std::string& name, float v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void set_attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

void set_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

}  // namespace amct::onnx_export
