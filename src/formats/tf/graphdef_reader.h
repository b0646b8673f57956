// Reads a binary TensorFlow GraphDef into the graph IR and validates it
// (graph/validate.h). Every error starts with the file (or source) name.
#pragma once

#include <string>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::tf {

Expected<graph::Graph> read_graphdef(const std::string& path);
// `source_name` prefixes error messages (a path, or e.g. "<memory>").
Expected<graph::Graph> parse_graphdef(const std::string& bytes, const std::string& source_name);

}  // namespace amct::tf
