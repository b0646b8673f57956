// The graph IR: an ordered list of nodes with a name index. Passes mutate it
// in place; node pointers stay valid until nodes are removed.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/node.h"

namespace amct::graph {

class Graph {
 public:
  Graph() = default;
  Graph(const Graph& other);
  Graph& operator=(const Graph& other);
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  // Fails on an empty or duplicate name.
  Status add_node(Node node);
  Node* find(const std::string& name);
  const Node* find(const std::string& name) const;
  size_t size() const { return nodes_.size(); }
  Node& node(size_t i) { return *nodes_[i]; }
  const Node& node(size_t i) const { return *nodes_[i]; }
  // Removes the named nodes; edges into them are left for the caller to fix.
  void remove_nodes(const std::set<std::string>& names);
  // Reorders nodes to the given permutation of current indices.
  void reorder(const std::vector<size_t>& order);
  // Replaces every data input equal to `from` with `to` in all nodes.
  void replace_input(const TensorRef& from, const TensorRef& to);
  // Nodes that read any output of `name` (data or control).
  std::vector<Node*> consumers(const std::string& name);
  // A name not yet used, built from `base` ("base", "base_1", ...).
  std::string unique_name(const std::string& base) const;

  // GraphDef fields amct does not interpret, kept for writing back.
  int producer_version = 0;
  int min_consumer_version = 0;
  std::string library_bytes;  // serialized FunctionDefLibrary
  std::string versions_bytes; // serialized VersionDef (full, incl. bad_consumers)

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::string, Node*> index_;
};

}  // namespace amct::graph
