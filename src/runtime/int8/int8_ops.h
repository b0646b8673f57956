// Kernel factories of the INT8 ops that lower_quantized.h creates.
#pragma once

#include <memory>

#include "runtime/kernel.h"

namespace amct::runtime {

Expected<std::unique_ptr<Kernel>> make_quantize(const graph::Node& node, const KernelOptions& opts);  // AmctQuantize
Expected<std::unique_ptr<Kernel>> make_qconv(const graph::Node& node, const KernelOptions& opts);  // AmctQConv2D, AmctQDepthwiseConv2dNative
Expected<std::unique_ptr<Kernel>> make_qmatmul(const graph::Node& node, const KernelOptions& opts);  // AmctQMatMul
Expected<std::unique_ptr<Kernel>> make_qavgpool(const graph::Node& node, const KernelOptions& opts);  // AmctQAvgPool

}  // namespace amct::runtime
