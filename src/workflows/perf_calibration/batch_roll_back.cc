#include "workflows/perf_calibration/batch_roll_back.h"

#include <algorithm>
#include <array>

#include "core/log.h"

namespace amct::workflows::perf_calibration {
namespace {

constexpr char kFunc[] = "perf_based_auto_calibration";

std::string run_label(const std::vector<LayerCost>& costs, const FallbackRun& r) {
  const std::string& first = costs[r.layers.front()].name;
  if (r.layers.size() == 1) return "'" + first + "'";
  return fmt::format("of {} layers '{}'..'{}'", r.layers.size(), first, costs[r.layers.back()].name);
}

// Predicted saving of running layer i in INT8 rather than fp32, the others as in `int8`.
double marginal_gain(const std::vector<LayerCost>& costs, std::vector<bool> int8, size_t i) {
  int8[i] = false;
  const double f = predicted_ms(costs, int8);
  int8[i] = true;
  return f - predicted_ms(costs, int8);
}

std::string int8_reason(const std::vector<LayerCost>& costs, const std::vector<bool>& int8, size_t i) {
  const LayerCost& c = costs[i];
  if (!c.measured) return "kept INT8: the profile has no separate step for it to compare";
  const double gain = marginal_gain(costs, int8, i);
  if (c.alone_gain_ms() >= 0.0)
    return fmt::format("INT8 pays: fp32 {:.4f} ms > INT8 {:.4f} + boundary {:.4f} ms (saves {:.4f} ms here)",
                       c.fp32_ms, c.int8_ms, c.boundary_ms(), gain);
  return fmt::format("INT8 pays only with its INT8 neighbours: alone it costs {:.4f} ms more than fp32, "
                     "with the values handed over in INT8 it saves {:.4f} ms",
                     -c.alone_gain_ms(), gain);
}

// {all fp32, all INT8, `int8`} timed side by side (min ms); a result equal
// to an extreme is timed once and shares its figure.
Expected<std::array<double, 3>> measure_against_extremes(ModelTimer& timer, const std::vector<LayerCost>& costs,
                                                          const std::vector<bool>& int8, int* configs_timed) {
  const std::vector<bool> all_fp32(costs.size(), false), all_int8(costs.size(), true);
  std::vector<LayerSet> configs{to_layer_set(costs, all_fp32), to_layer_set(costs, all_int8)};
  const bool extreme = int8 == all_fp32 || int8 == all_int8;
  if (!extreme) configs.push_back(to_layer_set(costs, int8));
  AMCT_ASSIGN_OR_RETURN(auto t, timer.measure(configs, false));
  *configs_timed += static_cast<int>(configs.size());
  std::array<double, 3> ms{t[0].min_ms, t[1].min_ms, 0.0};
  ms[2] = extreme ? (int8 == all_fp32 ? ms[0] : ms[1]) : t[2].min_ms;
  return ms;
}

}  // namespace

std::vector<FallbackRun> fallback_runs(const std::vector<LayerCost>& costs, const std::vector<bool>& int8) {
  std::vector<FallbackRun> runs;
  std::vector<bool> taken(costs.size(), false);
  for (size_t i = 0; i < costs.size(); ++i) {
    if (int8[i] || taken[i]) continue;
    // Start at the first float layer of the run (walk back along the chain).
    size_t start = i;
    while (costs[start].pred >= 0 && !int8[static_cast<size_t>(costs[start].pred)])
      start = static_cast<size_t>(costs[start].pred);
    FallbackRun r;
    for (int k = static_cast<int>(start); k >= 0 && !int8[static_cast<size_t>(k)]; k = costs[static_cast<size_t>(k)].succ) {
      taken[static_cast<size_t>(k)] = true;
      r.layers.push_back(static_cast<size_t>(k));
    }
    std::vector<bool> with = int8;
    for (size_t k : r.layers) with[k] = true;
    r.predicted_saving_ms = predicted_ms(costs, with) - predicted_ms(costs, int8);
    runs.push_back(std::move(r));
  }
  return runs;
}

Expected<BatchRollBackResult> batch_roll_back(ModelTimer& timer, const BatchRollBackOptions& o) {
  const ModelStructure& s = timer.structure();
  if (s.layers.empty()) return error("the model has no quantized layer to decide on");
  BatchRollBackResult res;

  // 1. Per-layer costs.
  const std::vector<LayerSet> probes = probe_configs(s);
  log::info(kFunc, "profiling all-fp32, all-INT8 and two checkerboard models ({} layers)", s.layers.size());
  AMCT_ASSIGN_OR_RETURN(std::vector<ConfigTiming> profiled, timer.measure(probes, true));
  res.configs_timed += static_cast<int>(probes.size());
  AMCT_ASSIGN_OR_RETURN(std::vector<LayerCost> costs, layer_costs(s, profiled));
  log::info(kFunc, "profiled whole model: all-fp32 {:.3f} ms, all-INT8 {:.3f} ms", profiled[0].min_ms,
            profiled[1].min_ms);

  // 2. The cheapest predicted assignment.
  std::vector<bool> int8 = cheapest_assignment(costs);
  res.predicted_ms = predicted_ms(costs, int8);
  std::vector<FallbackRun> runs = fallback_runs(costs, int8);
  std::sort(runs.begin(), runs.end(),
            [](const FallbackRun& a, const FallbackRun& b) { return a.predicted_saving_ms > b.predicted_saving_ms; });
  log::info(kFunc, "predicted: {} runs of layers back to float, layers {:.3f} ms (all-INT8 {:.3f}, all-fp32 {:.3f})",
            runs.size(), res.predicted_ms, predicted_ms(costs, std::vector<bool>(costs.size(), true)),
            predicted_ms(costs, std::vector<bool>(costs.size(), false)));

  // 3. Confirm each fall-back on the whole model.
  for (FallbackRun& r : runs) {
    std::vector<bool> back = int8;
    for (size_t k : r.layers) back[k] = true;
    AMCT_ASSIGN_OR_RETURN(auto t, timer.measure({to_layer_set(costs, int8), to_layer_set(costs, back)}, false));
    res.configs_timed += 2;
    r.float_ms = t[0].min_ms;
    r.int8_ms = t[1].min_ms;
    r.confirmed = r.float_ms < r.int8_ms * (1.0 - o.confirm_margin);
    log::info(kFunc, "run {}: whole model {:.4f} ms in float vs {:.4f} ms in INT8 (predicted saving {:.4f} ms): {}",
              run_label(costs, r), r.float_ms, r.int8_ms, r.predicted_saving_ms,
              r.confirmed ? "fall-back confirmed" : "rolled back to INT8");
    if (!r.confirmed) int8 = back;
  }

  // 4. The result against the extremes, side by side.
  const std::vector<bool> all_int8(costs.size(), true), all_fp32(costs.size(), false);
  AMCT_ASSIGN_OR_RETURN(auto fin, measure_against_extremes(timer, costs, int8, &res.configs_timed));
  res.all_fp32_ms = fin[0];
  res.all_int8_ms = fin[1];
  res.final_ms = fin[2];
  std::string override_reason;
  const bool has_unmeasured = std::any_of(costs.begin(), costs.end(), [](const LayerCost& c) { return !c.measured; });
  if (res.all_int8_ms < res.final_ms && res.all_int8_ms <= res.all_fp32_ms) {
    override_reason = fmt::format("all-INT8 model measured fastest ({:.4f} ms vs {:.4f} ms planned, {:.4f} ms fp32)",
                                  res.all_int8_ms, res.final_ms, res.all_fp32_ms);
    int8 = all_int8;
    res.final_ms = res.all_int8_ms;
  } else if (res.all_fp32_ms < res.final_ms && !has_unmeasured) {
    override_reason = fmt::format("all-fp32 model measured fastest ({:.4f} ms vs {:.4f} ms planned, {:.4f} ms INT8)",
                                  res.all_fp32_ms, res.final_ms, res.all_int8_ms);
    int8 = all_fp32;
    res.final_ms = res.all_fp32_ms;
  }
  if (!override_reason.empty()) log::info(kFunc, "{}", override_reason);

  // Reasons, one per layer.
  std::vector<const FallbackRun*> run_of(costs.size(), nullptr);
  for (const FallbackRun& r : runs)
    for (size_t k : r.layers) run_of[k] = &r;
  for (size_t i = 0; i < costs.size(); ++i) {
    LayerDecision d;
    d.cost = costs[i];
    d.int8 = int8[i];
    const FallbackRun* r = run_of[i];
    if (!override_reason.empty()) {
      d.reason = override_reason;
    } else if (r && !r->confirmed) {
      d.reason = fmt::format("fall-back of run {} not confirmed: whole model {:.4f} ms with it in float vs {:.4f} ms "
                             "in INT8; kept INT8",
                             run_label(costs, *r), r->float_ms, r->int8_ms);
    } else if (r) {
      const std::string why =
          costs[i].alone_gain_ms() < 0.0
              ? fmt::format("INT8 does not pay: fp32 {:.4f} ms < INT8 {:.4f} + boundary {:.4f} ms", costs[i].fp32_ms,
                            costs[i].int8_ms, costs[i].boundary_ms())
              : fmt::format("INT8 pays alone (fp32 {:.4f} ms > INT8 {:.4f} + boundary {:.4f} ms) but not with its "
                            "float neighbours",
                            costs[i].fp32_ms, costs[i].int8_ms, costs[i].boundary_ms());
      d.reason = fmt::format("{}; run {} predicted to save {:.4f} ms in float; confirmed: whole model {:.4f} ms vs "
                             "{:.4f} ms with it in INT8",
                             why, run_label(costs, *r), r->predicted_saving_ms, r->float_ms, r->int8_ms);
    } else {
      d.reason = int8_reason(costs, int8, i);
    }
    res.layers.push_back(std::move(d));
  }
  res.int8_layers = to_layer_set(costs, int8);
  res.runs = std::move(runs);

  // 5. Fresh side-by-side rounds for the figures to report.
  AMCT_ASSIGN_OR_RETURN(auto ver, measure_against_extremes(timer, costs, int8, &res.configs_timed));
  res.verify_fp32_ms = ver[0];
  res.verify_int8_ms = ver[1];
  res.verify_final_ms = ver[2];
  const size_t n_int8 = res.int8_layers.size();
  res.outcome = n_int8 == costs.size() ? "all INT8" : n_int8 == 0 ? "all fp32" : "mixed";
  log::info(kFunc, "result: {} of {} layers INT8 ({}); verified side by side: whole model {:.4f} ms, all-fp32 {:.4f}, "
            "all-INT8 {:.4f} ({:.3f}x the faster)",
            n_int8, costs.size(), res.outcome, res.verify_final_ms, res.verify_fp32_ms, res.verify_int8_ms,
            res.verify_final_ms / std::min(res.verify_fp32_ms, res.verify_int8_ms));
  return res;
}

}  // namespace amct::workflows::perf_calibration
