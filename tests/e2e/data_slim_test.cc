// `slim` preprocessing reproduces the reference inputs of models/refs exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "data/dataset.h"
#include "test_util.h"

namespace amct::data {
namespace {

double max_abs_diff(const graph::Tensor& t, const std::vector<float>& ref) {
  double d = 0;
  for (size_t i = 0; i < ref.size(); ++i) d = std::max(d, std::fabs(double{t.data<float>()[i]} - ref[i]));
  return d;
}

void check_first_eight(const std::string& dataset_path, const std::string& ref_file) {
  const std::vector<float> ref = amct::testing::read_floats(amct::testing::asset(ref_file));
  ASSERT_EQ(ref.size(), 8u * 224 * 224 * 3) << ref_file;
  auto ds = open_dataset(amct::testing::asset(dataset_path));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  std::vector<int64_t> labels;
  auto batch = load_batch(**ds, 0, 8, Preprocess::kSlim, 224, 224, &labels);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ(labels, (std::vector<int64_t>{473, 261, 301, 134, 626, 706, 481, 389}));
  const double diff = max_abs_diff(*batch, ref);
  std::cout << dataset_path << " vs " << ref_file << ": max abs diff " << diff << "\n";
  EXPECT_LE(diff, 1e-6);
}

TEST(DataSlim, FirstEightImagesMatchReferenceInputs) {
  check_first_eight("imagenet_val_1300", "models/refs/mobilenet_v2_1.0_224_quant/inputs_8_slim.bin");
}

TEST(DataSlim, SameFromTheTFRecords) {
  check_first_eight("imagenet_val_1300/tfrecord", "models/refs/mobilenet_v2_1.0_224_quant/inputs_8_slim.bin");
}

TEST(DataSlim, Tf2ModelReferenceUsesTheSameInputs) {
  check_first_eight("imagenet_val_1300", "models/refs/tf2_mobilenet_v2_1.0_224_ptq/inputs_8_slim.bin");
}

}  // namespace
}  // namespace amct::data
