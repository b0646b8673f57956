#include "workflows/auto_calibration/fine_search.h"

#include <algorithm>
#include <map>

#include "core/log.h"

namespace amct::workflows::auto_calibration {
namespace {

constexpr char kFunc[] = "accuracy_based_auto_calibration";

std::vector<std::string> enabled_key(const RollBackConfig& c) {
  std::vector<std::string> names;
  for (const auto& [name, on] : c)
    if (on) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

void show_record(int step, const SearchRecord& r) {
  std::string rolled;
  size_t n_rolled = 0;
  for (const auto& [name, on] : r.roll_back_config) {
    if (on) continue;
    if (n_rolled < 10) rolled += (rolled.empty() ? "" : ", ") + name;
    ++n_rolled;
  }
  if (n_rolled > 10) rolled += fmt::format(", ... ({} more)", n_rolled - 10);
  log::info(kFunc, "******************** fine search step {} ********************", step);
  log::info(kFunc, "quant layers: {}/{}; rolled back: {}", count_quantized(r.roll_back_config),
            r.roll_back_config.size(), rolled.empty() ? "none" : rolled);
  log::info(kFunc, "metric_eval: ({}, {}){}", r.metric_eval.satisfied ? "True" : "False", r.metric_eval.loss,
            r.cached ? " (evaluated before: reused)" : "");
}

}  // namespace

bool is_all_rolled_back(const RollBackConfig& c) {
  return std::none_of(c.begin(), c.end(), [](const auto& e) { return e.second; });
}

size_t count_quantized(const RollBackConfig& c) {
  return static_cast<size_t>(std::count_if(c.begin(), c.end(), [](const auto& e) { return e.second; }));
}

Expected<SearchOutcome> fine_search(Strategy& strategy, const MetricFn& metric_eval, double original_accuracy,
                                    double global_accuracy, const ConfigEvaluator& evaluate) {
  SearchOutcome out;
  std::map<std::vector<std::string>, double> evaluated;
  StrategyResult result = strategy.update_quant_config(metric_eval(original_accuracy, global_accuracy));
  RollBackConfig previous = result.roll_back_config;
  int step = 0;
  bool end = false;
  while (!end) {
    ++step;
    end = result.stop_flag;
    // The config to keep is the one just evaluated. (AMCT would also stop here
    // before evaluating anything; then it keeps no config, so go on instead.)
    if (end && result.roll_back_config == previous && !out.history.empty()) break;
    if (is_all_rolled_back(result.roll_back_config)) {
      SearchRecord r;
      r.roll_back_config = result.roll_back_config;
      r.metric_eval = metric_eval(original_accuracy, original_accuracy);
      out.final_config = r.roll_back_config;
      out.final_accuracy.reset();
      out.all_rolled_back = true;
      out.history.push_back(std::move(r));
      log::info(kFunc, "fine search step {}: every layer would be rolled back", step);
      return out;
    }
    SearchRecord r;
    r.roll_back_config = result.roll_back_config;
    const auto key = enabled_key(r.roll_back_config);
    auto hit = evaluated.find(key);
    if (hit != evaluated.end()) {
      r.accuracy = hit->second;
      r.cached = true;
    } else {
      EvalRequest req{r.roll_back_config, step, strategy.max_remaining_steps()};
      auto acc = evaluate(req);
      if (!acc.ok()) return acc.status().with_context(fmt::format("fine search step {}", step));
      r.accuracy = *acc;
      evaluated.emplace(key, *acc);
      ++out.evaluations;
    }
    r.metric_eval = metric_eval(original_accuracy, *r.accuracy);
    show_record(step, r);
    out.final_config = r.roll_back_config;
    out.final_accuracy = r.accuracy;
    out.history.push_back(r);
    if (!end) {
      previous = r.roll_back_config;
      result = strategy.update_quant_config(r.metric_eval);
    }
  }
  return out;
}

}  // namespace amct::workflows::auto_calibration
