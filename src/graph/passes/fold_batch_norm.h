// Folds inference BatchNorm into the preceding convolution's weights and bias
// (SPEC B§5): w' = w*gamma/sqrt(var+eps) per output channel,
// b' = (b-mean)*gamma/sqrt(var+eps) + beta.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

struct FoldedBatchNorm {
  std::string conv;                        // the Conv2D / DepthwiseConv2dNative node
  std::string bias_add;                    // the new BiasAdd (it takes the BN's or Add's name)
  std::vector<std::string> removed_nodes;  // BiasAdd / Mul / parameter Consts now gone
};

struct BatchNormFoldOptions {
  std::set<std::string> skip_convs;  // conv node names in skip_fusion_layers
};

// Patterns, conv weights Const (possibly through Identity), optional BiasAdd with Const bias:
//  (1) Conv [-> BiasAdd] -> FusedBatchNorm{,V2,V3} (is_training false, Const params);
//  (2) Conv [-> BiasAdd] -> Mul(per-channel Const) -> Add/AddV2(per-channel Const),
//      what fold_constants leaves of a BatchNorm written as Sub/Rsqrt/Mul/Add.
// The folded weights go to a new Const "<conv>/weights_folded" (the original
// stays if something else reads it); the BN (or Add) becomes a BiasAdd of the
// same name reading the conv and a new "<conv>/bias_folded" Const. A pattern is
// folded only when each intermediate output has that one consumer and nothing
// reads BN outputs other than 0. The graph is left in topological order.
Expected<std::vector<FoldedBatchNorm>> fold_batch_norm(Graph& g, const BatchNormFoldOptions& opts);

}  // namespace amct::graph
