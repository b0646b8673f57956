// Loads a frozen GraphDef or an ONNX model for execution: reads it, finds the input placeholder
// and its image size, resolves the output nodes and runs the import passes.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::workflows {

struct LoadedModel {
  std::string path;
  graph::Graph graph;          // after the import pipeline
  std::string input_name;      // the single Placeholder fed with images
  int height = 224;
  int width = 224;
  std::vector<std::string> outputs;
};

// A frozen GraphDef or an ONNX model (".onnx", or ONNX bytes in a file not
// named .pb), as the graph IR before the import pipeline.
Expected<graph::Graph> read_model_graph(const std::string& path);
// `outputs` empty: the graph's single sink node (error if there are several).
Expected<LoadedModel> load_model(const std::string& path, const std::vector<std::string>& outputs);
// Splits "a,b:0" into names; strips a trailing ":0" as AMCT's CLI accepts "node:0".
std::vector<std::string> split_outputs(const std::string& csv);
// The image placeholder of a graph and its spatial size from the shape attr.
Status find_image_input(const graph::Graph& g, std::string* name, int* height, int* width);

}  // namespace amct::workflows
