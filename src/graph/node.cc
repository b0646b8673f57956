#include "graph/node.h"

#include <cstdlib>

namespace amct::graph {

std::string TensorRef::str() const {
  if (index < 0) return "^" + node;
  if (index == 0) return node;
  return node + ":" + std::to_string(index);
}

Expected<TensorRef> parse_tensor_ref(const std::string& input) {
  TensorRef ref;
  if (!input.empty() && input[0] == '^') {
    ref.node = input.substr(1);
    ref.index = -1;
  } else {
    const auto colon = input.rfind(':');
    if (colon == std::string::npos) {
      ref.node = input;
    } else {
      const std::string idx = input.substr(colon + 1);
      if (idx.empty() || idx.size() > 6 || idx.find_first_not_of("0123456789") != std::string::npos)
        return error("bad input reference '{}'", input);
      ref.node = input.substr(0, colon);
      ref.index = std::atoi(idx.c_str());
    }
  }
  if (ref.node.empty()) return error("bad input reference '{}': empty node name", input);
  return ref;
}

size_t Node::num_data_inputs() const {
  size_t n = 0;
  for (const auto& in : inputs) {
    if (!in.empty() && in[0] == '^') break;
    ++n;
  }
  return n;
}

TensorRef Node::data_input(size_t i) const {
  auto r = parse_tensor_ref(inputs.at(i));
  return r.ok() ? r.value() : TensorRef{inputs.at(i), 0};
}

const AttrValue* Node::attr(const std::string& key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? nullptr : &it->second;
}

std::string Node::describe() const { return "node '" + name + "' (" + op + ")"; }

Node make_const_node(const std::string& name, const Tensor& value) {
  Node n;
  n.name = name;
  n.op = "Const";
  n.attrs["dtype"] = AttrValue::of_type(value.dtype());
  n.attrs["value"] = AttrValue::of_tensor(value);
  return n;
}

namespace {
template <typename T, typename Get>
Expected<T> typed(const Node& n, const std::string& key, AttrValue::Kind kind, const char* what, Get get) {
  const AttrValue* a = n.attr(key);
  if (a == nullptr) return error("{}: missing attribute '{}'", n.describe(), key);
  if (a->kind != kind) return error("{}: attribute '{}' is not {}", n.describe(), key, what);
  return get(*a);
}
}  // namespace

Expected<int64_t> Node::attr_int(const std::string& key) const {
  return typed<int64_t>(*this, key, AttrValue::Kind::kInt, "an int", [](const AttrValue& a) { return a.i; });
}
Expected<float> Node::attr_float(const std::string& key) const {
  return typed<float>(*this, key, AttrValue::Kind::kFloat, "a float", [](const AttrValue& a) { return a.f; });
}
Expected<bool> Node::attr_bool(const std::string& key) const {
  return typed<bool>(*this, key, AttrValue::Kind::kBool, "a bool", [](const AttrValue& a) { return a.b; });
}
Expected<std::string> Node::attr_string(const std::string& key) const {
  return typed<std::string>(*this, key, AttrValue::Kind::kString, "a string", [](const AttrValue& a) { return a.s; });
}
Expected<DataType> Node::attr_type(const std::string& key) const {
  return typed<DataType>(*this, key, AttrValue::Kind::kType, "a type", [](const AttrValue& a) { return a.type; });
}
Expected<std::vector<int64_t>> Node::attr_ints(const std::string& key) const {
  return typed<std::vector<int64_t>>(*this, key, AttrValue::Kind::kList, "a list", [](const AttrValue& a) { return a.list.i; });
}
Expected<Tensor> Node::attr_tensor(const std::string& key) const {
  return typed<Tensor>(*this, key, AttrValue::Kind::kTensor, "a tensor", [](const AttrValue& a) { return a.tensor; });
}
int64_t Node::attr_int_or(const std::string& key, int64_t dflt) const {
  const AttrValue* a = attr(key);
  return a && a->kind == AttrValue::Kind::kInt ? a->i : dflt;
}
bool Node::attr_bool_or(const std::string& key, bool dflt) const {
  const AttrValue* a = attr(key);
  return a && a->kind == AttrValue::Kind::kBool ? a->b : dflt;
}
float Node::attr_float_or(const std::string& key, float dflt) const {
  const AttrValue* a = attr(key);
  return a && a->kind == AttrValue::Kind::kFloat ? a->f : dflt;
}
std::string Node::attr_string_or(const std::string& key, const std::string& dflt) const {
  const AttrValue* a = attr(key);
  return a && a->kind == AttrValue::Kind::kString ? a->s : dflt;
}

}  // namespace amct::graph
