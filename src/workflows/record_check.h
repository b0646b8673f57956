// Checks a record against the graph it is applied to, as AMCT's convert_model
// does: every key a quantizable layer, scale counts matching the channels,
// valid values. Errors name the record key.
#pragma once

#include <vector>

#include "core/status.h"
#include "formats/record/record.h"
#include "graph/graph.h"
#include "quant/op_policy.h"

namespace amct::workflows {

// `folded`: the graph after BN folding (channel counts of the folded weights).
Status check_record_against_graph(const record::Record& rec, const graph::Graph& folded,
                                  const std::vector<quant::QuantizableLayer>& layers,
                                  const std::string& record_path);

}  // namespace amct::workflows
