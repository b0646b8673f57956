#include "runtime/kernel_registry.h"

#include "runtime/conv_kernel.h"
#include "runtime/deconv_kernel.h"
#include "runtime/int8/int8_ops.h"
#include "runtime/matmul_kernel.h"
#include "runtime/ops/ops.h"
#include "runtime/pool_kernel.h"
#include "runtime/session.h"

namespace amct::runtime {
namespace {

// Keep sorted by family; one line per op.
const OpEntry kOps[] = {
    {"Placeholder", nullptr, 0, 0},
    {"Const", nullptr, 0, 0},
    {"Identity", make_identity, 1, 1},
    // oneDNN
    {"Conv2D", make_conv, 2, 2},
    {"DepthwiseConv2dNative", make_conv, 2, 2},
    {"Conv2DBackpropInput", make_deconv, 3, 3},
    {"MatMul", make_matmul, 2, 2},
    {"AvgPool", make_pool, 1, 1},
    {"MaxPool", make_pool, 1, 1},
    // INT8 (lowered by int8/lower_quantized.h; inputs quantized by AmctQuantize)
    {"AmctQuantize", make_quantize, 1, 1},
    {"AmctQConv2D", make_qconv, 1, 1},
    {"AmctQDepthwiseConv2dNative", make_qconv, 1, 1},
    {"AmctQMatMul", make_qmatmul, 1, 1},
    {"AmctQAvgPool", make_qavgpool, 1, 1},
    // elementwise
    {"BiasAdd", make_bias_add, 2, 2},
    {"Relu", make_unary, 1, 1},
    {"Relu6", make_unary, 1, 1},
    {"Sigmoid", make_unary, 1, 1},
    {"Tanh", make_unary, 1, 1},
    {"Round", make_unary, 1, 1},
    {"Rsqrt", make_unary, 1, 1},
    {"Sqrt", make_unary, 1, 1},
    {"Square", make_unary, 1, 1},
    {"Add", make_binary, 2, 2},
    {"AddV2", make_binary, 2, 2},
    {"Sub", make_binary, 2, 2},
    {"Mul", make_binary, 2, 2},
    {"RealDiv", make_binary, 2, 2},
    {"Maximum", make_binary, 2, 2},
    {"Minimum", make_binary, 2, 2},
    {"ClipByValue", make_clip_by_value, 3, 3},
    {"Cast", make_cast, 1, 1},
    {"FusedBatchNorm", make_fused_batch_norm, 5, 5},
    {"FusedBatchNormV2", make_fused_batch_norm, 5, 5},
    {"FusedBatchNormV3", make_fused_batch_norm, 5, 5},
    {"FakeQuantWithMinMaxVars", make_fake_quant, 3, 3},
    {"FakeQuantWithMinMaxVarsPerChannel", make_fake_quant, 3, 3},
    {"FakeQuantWithMinMaxArgs", make_fake_quant, 1, 1},
    {"Softmax", make_softmax, 1, 1},
    {"Mean", make_reduce, 2, 2},
    {"Sum", make_reduce, 2, 2},
    // shapes and layout
    {"Reshape", make_reshape, 2, 2},
    {"Squeeze", make_squeeze, 1, 1},
    {"ExpandDims", make_expand_dims, 2, 2},
    {"Shape", make_shape, 1, 1},
    {"StridedSlice", make_strided_slice, 4, 4},
    {"Pack", make_pack, 1, -1},
    {"ConcatV2", make_concat, 2, -1},
    {"Pad", make_pad, 2, 2},
    {"PadV2", make_pad, 3, 3},
};

}  // namespace

const OpEntry* find_op(const std::string& op_type) {
  for (const auto& e : kOps)
    if (op_type == e.op) return &e;
  return nullptr;
}

std::vector<std::string> supported_ops() {
  std::vector<std::string> out;
  for (const auto& e : kOps) out.push_back(e.op);
  return out;
}

bool is_supported_op(const std::string& op_type) { return find_op(op_type) != nullptr; }

}  // namespace amct::runtime
