#include "workflows/model_loader.h"

#include <cctype>
#include <set>

#include "core/atomic_write.h"
#include "formats/onnx/onnx_reader.h"
#include "formats/tf/graphdef_reader.h"
#include "graph/passes/pipeline.h"

namespace amct::workflows {

std::vector<std::string> split_outputs(const std::string& csv) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    std::string item = csv.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.size() > 2 && item.compare(item.size() - 2, 2, ":0") == 0) item.resize(item.size() - 2);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

Status find_image_input(const graph::Graph& g, std::string* name, int* height, int* width) {
  std::vector<const graph::Node*> placeholders;
  for (size_t i = 0; i < g.size(); ++i)
    if (g.node(i).op == "Placeholder") placeholders.push_back(&g.node(i));
  if (placeholders.empty()) return error("the graph has no Placeholder input");
  if (placeholders.size() > 1) {
    std::string names;
    for (auto* p : placeholders) names += (names.empty() ? "" : ", ") + p->name;
    return error("the graph has {} Placeholder inputs ({}); amct feeds one image input", placeholders.size(), names);
  }
  const graph::Node& p = *placeholders[0];
  *name = p.name;
  *height = 224;
  *width = 224;
  if (const graph::AttrValue* shape = p.attr("shape");
      shape && shape->kind == graph::AttrValue::Kind::kShape && !shape->shape.unknown_rank) {
    const auto& d = shape->shape.dims;
    if (d.size() != 4) return error("{}: expected an NHWC image input of rank 4, got rank {}", p.describe(), d.size());
    if (d[3] != -1 && d[3] != 3) return error("{}: expected 3 channels, got {}", p.describe(), d[3]);
    if (d[1] > 0) *height = static_cast<int>(d[1]);
    if (d[2] > 0) *width = static_cast<int>(d[2]);
  }
  return Status::ok();
}

bool has_onnx_extension(const std::string& path) {
  if (path.size() < 5) return false;
  std::string ext = path.substr(path.size() - 5);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".onnx";
}

Expected<graph::Graph> read_model_graph(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  // A GraphDef starts with field 1 length-delimited (0x0a), a ModelProto with
  // field 1 varint (0x08): the extension decides, the bytes when it is neither.
  const bool onnx = has_onnx_extension(path) || (path.size() < 3 || path.compare(path.size() - 3, 3, ".pb") != 0
                                                     ? onnx_import::looks_like_onnx(bytes)
                                                     : false);
  if (onnx) return onnx_import::parse_onnx(bytes, path);
  return tf::parse_graphdef(bytes, path);
}

Expected<LoadedModel> load_model(const std::string& path, const std::vector<std::string>& outputs) {
  LoadedModel m;
  m.path = path;
  AMCT_ASSIGN_OR_RETURN(m.graph, read_model_graph(path));
  m.outputs = outputs;
  if (m.outputs.empty()) {
    std::set<std::string> consumed;
    for (size_t i = 0; i < m.graph.size(); ++i)
      for (const auto& in : m.graph.node(i).inputs) {
        auto ref = graph::parse_tensor_ref(in);
        if (ref.ok()) consumed.insert(ref->node);
      }
    for (size_t i = 0; i < m.graph.size(); ++i) {
      const auto& n = m.graph.node(i);
      if (!consumed.count(n.name) && n.op != "Const" && n.op != "NoOp" && n.op != "Placeholder")
        m.outputs.push_back(n.name);
    }
    if (m.outputs.size() != 1)
      return error("{}: cannot choose the output node ({} candidates); pass --outputs", path, m.outputs.size());
  }
  for (const auto& o : m.outputs) {
    auto ref = graph::parse_tensor_ref(o);
    if (!ref.ok() || m.graph.find(ref->node) == nullptr)
      return error("{}: output node '{}' is not in the graph", path, o);
  }
  Status st = graph::run_import_pipeline(m.graph, m.outputs);
  if (!st.is_ok()) return st.with_context(path);
  st = find_image_input(m.graph, &m.input_name, &m.height, &m.width);
  if (!st.is_ok()) return st.with_context(path);
  return m;
}

}  // namespace amct::workflows
