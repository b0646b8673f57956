#include "workflows/auto_calibration/sensitivity.h"

#include <gtest/gtest.h>

#include <cmath>

namespace amct::workflows::auto_calibration {
namespace {

using graph::Tensor;

TEST(Sensitivity, CosineRules) {
  const float a[] = {1, 2, 3}, b[] = {1, 2, 3}, c[] = {-1, -2, -3}, z[] = {0, 0, 0}, d[] = {3, 2, 1};
  EXPECT_DOUBLE_EQ(cosine_sensitivity(a, b, 3), 1.0);
  EXPECT_DOUBLE_EQ(cosine_sensitivity(a, c, 3), 0.0);
  EXPECT_DOUBLE_EQ(cosine_sensitivity(z, a, 3), 1.0);  // nothing to lose
  EXPECT_DOUBLE_EQ(cosine_sensitivity(a, z, 3), 0.0);  // everything lost
  EXPECT_NEAR(cosine_sensitivity(a, d, 3), 0.5 + 0.5 * 10.0 / 14.0, 1e-12);
}

TEST(Sensitivity, OutputKlOnProbabilitiesAndLogits) {
  const Tensor p = Tensor::from_vector<float>({2, 2}, {0.5f, 0.5f, 0.9f, 0.1f});
  const Tensor q = Tensor::from_vector<float>({2, 2}, {0.5f, 0.5f, 0.2f, 0.8f});
  const KlStats s = output_kl(p, q);
  EXPECT_EQ(s.rows, 2);
  EXPECT_EQ(s.top1_flips, 1);
  const double kl_row2 = 0.9 * std::log(0.9 / 0.2) + 0.1 * std::log(0.1 / 0.8);
  EXPECT_NEAR(s.mean_kl, kl_row2 / 2, 1e-6);
  // Logits (not a distribution) go through softmax: a shift changes nothing.
  const Tensor l1 = Tensor::from_vector<float>({1, 3}, {1.0f, 2.0f, 3.0f});
  const Tensor l2 = Tensor::from_vector<float>({1, 3}, {11.0f, 12.0f, 13.0f});
  EXPECT_NEAR(output_kl(l1, l2).mean_kl, 0.0, 1e-9);
  EXPECT_GT(output_kl(l1, Tensor::from_vector<float>({1, 3}, {3.0f, 2.0f, 1.0f})).mean_kl, 0.5);
}

TEST(Sensitivity, MeasuresByName) {
  auto cos = make_sensitivity("cosine");
  ASSERT_TRUE(cos.ok());
  EXPECT_EQ((*cos)->target(), SensitivityTarget::kLayerOutput);
  const Tensor a = Tensor::from_vector<float>({3}, {1, 2, 3});
  EXPECT_DOUBLE_EQ((*cos)->compare(a, a), 1.0);
  auto kl = make_sensitivity("output-kl");
  ASSERT_TRUE(kl.ok());
  EXPECT_EQ((*kl)->target(), SensitivityTarget::kNetworkOutput);
  const Tensor p = Tensor::from_vector<float>({1, 2}, {0.9f, 0.1f});
  const Tensor q = Tensor::from_vector<float>({1, 2}, {0.1f, 0.9f});
  EXPECT_DOUBLE_EQ((*kl)->compare(p, p), 1.0);
  EXPECT_LT((*kl)->compare(p, q), 0.5);
  EXPECT_FALSE(make_sensitivity("hessian").ok());
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
