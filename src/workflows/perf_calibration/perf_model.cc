#include "workflows/perf_calibration/perf_model.h"

#include "formats/tf/graphdef_reader.h"
#include "graph/passes/pipeline.h"
#include "workflows/model_loader.h"

namespace amct::workflows::perf_calibration {

Expected<PerfModel> load_perf_model(const std::string& path, const std::vector<std::string>& outputs,
                                    const std::optional<perf::InputShape>& input, int batch) {
  if (outputs.empty()) return error("{}: no output node given", path);
  if (batch <= 0) return error("{}: batch must be positive, got {}", path, batch);
  PerfModel m;
  m.path = path;
  m.outputs = outputs;
  AMCT_ASSIGN_OR_RETURN(m.graph, tf::read_graphdef(path));
  for (const auto& o : outputs) {
    auto ref = graph::parse_tensor_ref(o);
    if (!ref.ok() || m.graph.find(ref->node) == nullptr) return error("{}: output node '{}' is not in the graph", path, o);
  }
  if (input) {
    graph::Node* n = m.graph.find(input->name);
    if (n == nullptr) return error("{}: input node '{}' (input_shape) is not in the graph", path, input->name);
    if (n->op == "Placeholder") {
      auto dt = n->attr_type("dtype");
      if (!dt.ok() || *dt != graph::DataType::kFloat)
        return error("{}: input node '{}' is a Placeholder that is not float", path, input->name);
    }
    // A cut point becomes a float Placeholder of the given shape, batch unknown.
    graph::ShapeAttr shape;
    shape.dims = input->dims;
    shape.dims[0] = -1;
    n->op = "Placeholder";
    n->inputs.clear();
    n->attrs.clear();
    n->attrs["dtype"] = graph::AttrValue::of_type(graph::DataType::kFloat);
    n->attrs["shape"] = graph::AttrValue::of_shape(shape);
    m.input_name = input->name;
    m.input_shape = input->dims;
  }
  Status st = graph::run_import_pipeline(m.graph, outputs);
  if (!st.is_ok()) return st.with_context(path);
  if (!input) {
    int h = 0, w = 0;
    st = find_image_input(m.graph, &m.input_name, &h, &w);
    if (!st.is_ok()) return st.with_context(path);
    m.input_shape = {batch, h, w, 3};
  } else {
    size_t placeholders = 0;
    for (size_t i = 0; i < m.graph.size(); ++i) placeholders += m.graph.node(i).op == "Placeholder";
    if (placeholders != 1)
      return error("{}: after feeding '{}' the outputs still need {} Placeholders; feed a node that cuts all inputs",
                   path, input->name, placeholders);
  }
  m.input_shape[0] = batch;
  return m;
}

}  // namespace amct::workflows::perf_calibration
