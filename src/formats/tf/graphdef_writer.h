// Writes the graph IR as a binary TensorFlow GraphDef. Serialization is
// deterministic (sorted attribute maps), so equal graphs give equal bytes.
#pragma once

#include <string>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::tf {

Expected<std::string> serialize_graphdef(const graph::Graph& g);
// Atomic: written to a temporary name and renamed (core/atomic_write.h).
Status write_graphdef(const std::string& path, const graph::Graph& g);

}  // namespace amct::tf
