#include "workflows/auto_calibration/report_html.h"

#include <gtest/gtest.h>

namespace amct::workflows::auto_calibration {
namespace {

ReportData sample(bool all_rolled_back) {
  ReportData d;
  d.model = "m<1>.pb";
  d.evaluator = "top-1";
  d.strategy = "BinarySearch";
  d.sensitivity = "cosine";
  d.max_loss = 0.5;
  d.original_accuracy = 80.0;
  d.global_accuracy = 70.0;
  for (auto [name, v] : std::vector<std::pair<std::string, double>>{{"a", 0.9}, {"b", 0.99}, {"c", 0.999}}) {
    LayerSensitivity l;
    l.layer = name;
    l.op = "Conv2D";
    l.value = l.cosine = v;
    d.layers.push_back(l);
  }
  d.disabled_layers = {"d"};
  SearchRecord g;
  g.roll_back_config = {{"a", true}, {"b", true}, {"c", true}};
  g.metric_eval = {false, 10.0};
  g.accuracy = 70.0;
  SearchRecord s1;
  s1.roll_back_config = {{"a", false}, {"b", false}, {"c", true}};
  s1.metric_eval = {true, 0.2};
  s1.accuracy = 79.8;
  SearchRecord s2;
  s2.roll_back_config = {{"a", false}, {"b", true}, {"c", true}};
  s2.metric_eval = {false, 1.0};
  s2.accuracy = 79.0;
  d.history = {g, s1, s2};
  if (all_rolled_back) {
    d.all_rolled_back = true;
    d.final_config = {{"a", false}, {"b", false}, {"c", false}};
  } else {
    d.final_config = s1.roll_back_config;
    d.saved_accuracy = 79.8;
  }
  d.evaluations = 4;
  d.seconds = 12.5;
  d.phases = {{"calibration", 1.0}};
  return d;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(ReportHtml, HasTheThreePlotsAndTheTable) {
  const std::string h = render_report_html(sample(false));
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(h, "<svg "), 3u);
  EXPECT_NE(h.find("id=\"sensitivity-chart\""), std::string::npos);
  EXPECT_NE(h.find("id=\"steps-chart\""), std::string::npos);
  EXPECT_NE(h.find("id=\"rollback-map\""), std::string::npos);
  EXPECT_EQ(count(h, "class=\"layer-bar\""), 3u);
  EXPECT_EQ(count(h, "class=\"step\""), 3u);
  EXPECT_EQ(count(h, "class=\"cell\""), 3u * 4u);  // 3 layers x (3 steps + final)
  EXPECT_NE(h.find("m&lt;1&gt;.pb"), std::string::npos);  // escaped
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_NE(h.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_EQ(h.find("https://"), std::string::npos);  // nothing to fetch
  EXPECT_NE(h.find("1 of 3 searched"), std::string::npos);
}

TEST(ReportHtml, ReasonsNameRankAndEvidence) {
  const ReportData d = sample(false);
  EXPECT_EQ(layer_reason(d, "c"), "INT8");
  const std::string a = layer_reason(d, "a");
  EXPECT_NE(a.find("rank 1 of 3"), std::string::npos) << a;
  EXPECT_NE(a.find("rolls back the 2 most sensitive"), std::string::npos) << a;
  EXPECT_NE(a.find("with only 1 rolled back the loss was 1.000"), std::string::npos) << a;
  EXPECT_NE(layer_reason(d, "d").find("quant_enable is false"), std::string::npos);
}

TEST(ReportHtml, AllRolledBack) {
  const ReportData d = sample(true);
  const std::string h = render_report_html(d);
  EXPECT_NE(h.find("none: every layer was rolled back"), std::string::npos);
  EXPECT_NE(layer_reason(d, "c").find("every layer rolled back"), std::string::npos);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
