#include "workflows/auto_calibration/top1_evaluator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"
#include "unit/data/test_images.h"

namespace amct::workflows::auto_calibration {
namespace {

// `labels`: one 6x6 BMP per label, listed in labels.csv.
std::string image_folder(const std::vector<int>& labels) {
  const std::string dir = amct::testing::make_temp_dir("top1");
  std::ofstream csv(dir + "/labels.csv");
  csv << "file,label\n";
  for (size_t i = 0; i < labels.size(); ++i) {
    std::vector<uint8_t> rgb(6 * 6 * 3, static_cast<uint8_t>(40 * i));
    const std::string name = "img" + std::to_string(i) + ".bmp";
    std::ofstream(dir + "/" + name, std::ios::binary) << amct::testing::make_bmp24(6, 6, rgb);
    csv << name << "," << labels[i] << "\n";
  }
  return dir;
}

// Scores [N, classes] whose argmax is `answers[i]` for image i (by batch position).
ModelView fake_model(int classes, std::vector<int> answers, int* calls) {
  ModelView v;
  v.height = 4;
  v.width = 4;
  auto offset = std::make_shared<size_t>(0);
  v.run = [classes, answers, calls, offset](const graph::Tensor& batch) -> Expected<graph::Tensor> {
    ++*calls;
    const int64_t n = batch.dim(0);
    graph::Tensor s(graph::DataType::kFloat, {n, classes});
    for (int64_t i = 0; i < n; ++i) s.data<float>()[i * classes + answers[(*offset + static_cast<size_t>(i)) % answers.size()]] = 1.0f;
    *offset += static_cast<size_t>(n);
    return s;
  };
  return v;
}

Top1EvaluatorOptions options(const std::string& dataset) {
  Top1EvaluatorOptions o;
  o.dataset = dataset;
  o.calib_dir = dataset;
  o.batch_size = 2;
  return o;
}

TEST(Top1Evaluator, CountsTopOneHits) {
  const std::string dir = image_folder({1, 2, 3});
  for (int reads : {1, 4}) {
    auto o = options(dir);
    o.num_parallel_reads = reads;
    auto e = Top1Evaluator::create(o);
    ASSERT_TRUE(e.ok()) << e.status().message();
    int calls = 0;
    auto acc = (*e)->evaluate(fake_model(5, {1, 2, 0}, &calls), "t");
    ASSERT_TRUE(acc.ok()) << acc.status().message();
    EXPECT_NEAR(*acc, 200.0 / 3.0, 1e-9);
    EXPECT_EQ(calls, 2);  // batches of 2 and 1
    // Second run reads the decoded batches from the cache and agrees.
    auto again = (*e)->evaluate(fake_model(5, {1, 2, 0}, &calls), "t");
    ASSERT_TRUE(again.ok());
    EXPECT_DOUBLE_EQ(*again, *acc);
  }
}

TEST(Top1Evaluator, MetricEvalIsStrictlyBelowTheBound) {
  auto e = Top1Evaluator::create(options(image_folder({1})));
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE((*e)->metric_eval(80.0, 79.6).satisfied);
  EXPECT_FALSE((*e)->metric_eval(80.0, 79.5).satisfied);
  EXPECT_DOUBLE_EQ((*e)->metric_eval(80.0, 79.5).loss, 0.5);
  EXPECT_TRUE((*e)->metric_eval(80.0, 80.0).satisfied);
  EXPECT_EQ((*e)->max_loss().value(), 0.5);
}

TEST(Top1Evaluator, RejectsLabelsOutOfRange) {
  auto e = Top1Evaluator::create(options(image_folder({0, 1, 7})));
  ASSERT_TRUE(e.ok());
  int calls = 0;
  auto acc = (*e)->evaluate(fake_model(5, {0}, &calls), "t");
  ASSERT_FALSE(acc.ok());
  EXPECT_NE(acc.status().message().find("img2.bmp"), std::string::npos) << acc.status().message();
  EXPECT_NE(acc.status().message().find("label 7"), std::string::npos) << acc.status().message();
  EXPECT_NE(acc.status().message().find("5 classes"), std::string::npos) << acc.status().message();
}

TEST(Top1Evaluator, RejectsADatasetWithoutImages) {
  const std::string dir = amct::testing::make_temp_dir("top1_empty");
  std::ofstream(dir + "/labels.csv") << "file,label\n";
  auto e = Top1Evaluator::create(options(dir));
  EXPECT_FALSE(e.ok());
  auto o = options(image_folder({1}));
  o.dataset = amct::testing::make_temp_dir("top1_nothing");
  EXPECT_FALSE(Top1Evaluator::create(o).ok());
}

TEST(Top1Evaluator, RejectsBadSettings) {
  const std::string dir = image_folder({1});
  auto o = options(dir);
  o.max_loss = 0.0;
  EXPECT_FALSE(Top1Evaluator::create(o).ok());
  o = options(dir);
  o.batch_size = 0;
  EXPECT_FALSE(Top1Evaluator::create(o).ok());
}

TEST(Top1Evaluator, CalibrationBatches) {
  auto e = Top1Evaluator::create(options(image_folder({1, 2, 3, 4, 5})));
  ASSERT_TRUE(e.ok());
  auto d = (*e)->calibration_batches(2, 4, 4);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->num_batches, 2u);
  EXPECT_EQ(d->num_images, 4);
  auto b = d->batch(1);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->shape(), (graph::Shape{2, 4, 4, 3}));
  auto too_many = (*e)->calibration_batches(3, 4, 4);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("needs 6 images"), std::string::npos);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
