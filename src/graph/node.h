// A graph node, close to TF's NodeDef: inputs are strings "node", "node:k" or
// "^node" (control), so passes rewrite edges the way GraphDef stores them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/attr.h"

namespace amct::graph {

// One endpoint: output `index` of node `node`; control edges have index -1.
struct TensorRef {
  std::string node;
  int index = 0;
  bool is_control() const { return index < 0; }
  std::string str() const;  // "node" for index 0, "node:k", "^node"
  bool operator==(const TensorRef& o) const { return node == o.node && index == o.index; }
  bool operator<(const TensorRef& o) const { return node < o.node || (node == o.node && index < o.index); }
};

// Parses "node", "node:3", "^node". Fails on empty names or bad indices.
Expected<TensorRef> parse_tensor_ref(const std::string& input);

struct Node {
  std::string name;
  std::string op;
  std::string device;
  std::vector<std::string> inputs;
  std::map<std::string, AttrValue> attrs;

  // Data inputs only (control inputs come last in TF and are skipped).
  size_t num_data_inputs() const;
  TensorRef data_input(size_t i) const;  // requires i < num_data_inputs(); inputs validated
  const AttrValue* attr(const std::string& key) const;
  bool has_attr(const std::string& key) const { return attr(key) != nullptr; }
  // Typed lookups: error names node, key and expected kind.
  Expected<int64_t> attr_int(const std::string& key) const;
  Expected<float> attr_float(const std::string& key) const;
  Expected<bool> attr_bool(const std::string& key) const;
  Expected<std::string> attr_string(const std::string& key) const;
  Expected<DataType> attr_type(const std::string& key) const;
  Expected<std::vector<int64_t>> attr_ints(const std::string& key) const;
  Expected<Tensor> attr_tensor(const std::string& key) const;
  int64_t attr_int_or(const std::string& key, int64_t dflt) const;
  bool attr_bool_or(const std::string& key, bool dflt) const;
  float attr_float_or(const std::string& key, float dflt) const;
  std::string attr_string_or(const std::string& key, const std::string& dflt) const;
  // "node 'name' (Op)": the prefix every error about this node starts with.
  std::string describe() const;
};

// A Const node holding `value` (attrs dtype and value, as TF writes them).
Node make_const_node(const std::string& name, const Tensor& value);

}  // namespace amct::graph
