// The supported-op list covers what the project's models and amct's own
// quantized graphs use, and nothing it cannot run.
#include "runtime/kernel_registry.h"

#include <gtest/gtest.h>

#include "runtime/session.h"

namespace amct::runtime {
namespace {

TEST(KernelRegistry, CoversTheRequiredOps) {
  for (const char* op :
       {"Placeholder", "Const", "Identity", "Conv2D", "DepthwiseConv2dNative", "BiasAdd", "FusedBatchNorm",
        "FusedBatchNormV3", "Relu", "Relu6", "Sigmoid", "Tanh", "Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum",
        "Minimum", "AvgPool", "MaxPool", "Mean", "Reshape", "Squeeze", "ExpandDims", "ConcatV2", "Pad", "MatMul",
        "Softmax", "Shape", "StridedSlice", "Pack", "Cast", "Round", "ClipByValue", "Rsqrt", "Sqrt", "Square",
        "FakeQuantWithMinMaxVars", "FakeQuantWithMinMaxVarsPerChannel"}) {
    EXPECT_TRUE(is_supported_op(op)) << op;
  }
  for (const char* op : {"AudioSpectrogram", "Mfcc", "DecodeWav", "", "conv2d"}) EXPECT_FALSE(is_supported_op(op)) << op;
}

TEST(KernelRegistry, EveryEntryButSourcesHasAFactory) {
  for (const std::string& op : supported_ops()) {
    const OpEntry* e = find_op(op);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->factory == nullptr, op == "Placeholder" || op == "Const") << op;
    EXPECT_TRUE(e->max_inputs < 0 || e->max_inputs >= e->min_inputs) << op;
  }
}

}  // namespace
}  // namespace amct::runtime
