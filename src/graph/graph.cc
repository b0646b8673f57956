#include "graph/graph.h"

namespace amct::graph {

Graph::Graph(const Graph& other) { *this = other; }

Graph& Graph::operator=(const Graph& other) {
  if (this == &other) return *this;
  nodes_.clear();
  index_.clear();
  for (const auto& n : other.nodes_) {
    nodes_.push_back(std::make_unique<Node>(*n));
    index_[nodes_.back()->name] = nodes_.back().get();
  }
  producer_version = other.producer_version;
  min_consumer_version = other.min_consumer_version;
  library_bytes = other.library_bytes;
  versions_bytes = other.versions_bytes;
  return *this;
}

Status Graph::add_node(Node node) {
  if (node.name.empty()) return error("a node of op '{}' has an empty name", node.op);
  if (index_.count(node.name)) return error("duplicate node name '{}'", node.name);
  nodes_.push_back(std::make_unique<Node>(std::move(node)));
  index_[nodes_.back()->name] = nodes_.back().get();
  return Status::ok();
}

Node* Graph::find(const std::string& name) {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

const Node* Graph::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

void Graph::remove_nodes(const std::set<std::string>& names) {
  std::vector<std::unique_ptr<Node>> kept;
  kept.reserve(nodes_.size());
  for (auto& n : nodes_) {
    if (names.count(n->name)) {
      index_.erase(n->name);
    } else {
      kept.push_back(std::move(n));
    }
  }
  nodes_ = std::move(kept);
}

void Graph::reorder(const std::vector<size_t>& order) {
  std::vector<std::unique_ptr<Node>> out;
  out.reserve(order.size());
  for (size_t i : order) out.push_back(std::move(nodes_[i]));
  nodes_ = std::move(out);
}

void Graph::replace_input(const TensorRef& from, const TensorRef& to) {
  const std::string from_a = from.str();
  const std::string from_b = from.node + ":" + std::to_string(from.index);
  const std::string to_s = to.str();
  for (auto& n : nodes_) {
    for (auto& in : n->inputs) {
      if (in == from_a || (from.index == 0 && in == from_b)) in = to_s;
    }
  }
}

std::vector<Node*> Graph::consumers(const std::string& name) {
  std::vector<Node*> out;
  for (auto& n : nodes_) {
    for (const auto& in : n->inputs) {
      auto r = parse_tensor_ref(in);
      if (r.ok() && r->node == name) {
        out.push_back(n.get());
        break;
      }
    }
  }
  return out;
}

std::string Graph::unique_name(const std::string& base) const {
  if (!index_.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string cand = base + "_" + std::to_string(i);
    if (!index_.count(cand)) return cand;
  }
}

}  // namespace amct::graph
