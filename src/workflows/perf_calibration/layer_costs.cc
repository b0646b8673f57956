#include "workflows/perf_calibration/layer_costs.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>

namespace amct::workflows::perf_calibration {
namespace {

// Chain depth parity of every layer (structural links; a forest, so every
// link joins an even and an odd layer).
std::map<std::string, int> chain_parity(const ModelStructure& s) {
  std::map<std::string, int> parity;
  for (const std::string& l : s.layers) {
    auto it = s.chain_pred.find(l);
    auto p = it == s.chain_pred.end() ? parity.end() : parity.find(it->second);
    parity[l] = p == parity.end() ? 0 : 1 - p->second;  // layers come in execution order: preds first
  }
  return parity;
}

}  // namespace

std::vector<LayerSet> probe_configs(const ModelStructure& s) {
  std::vector<LayerSet> probes(4);
  const auto parity = chain_parity(s);
  for (const std::string& l : s.layers) {
    probes[1].insert(l);
    probes[2 + static_cast<size_t>(parity.at(l))].insert(l);
  }
  return probes;
}

Expected<std::vector<LayerCost>> layer_costs(const ModelStructure& s, const std::vector<ConfigTiming>& probes) {
  if (probes.size() != 4) return error("expected 4 profiled configurations, got {}", probes.size());
  const auto parity = chain_parity(s);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < s.layers.size(); ++i)
    if (!index.emplace(s.layers[i], i).second) return error("layer '{}' is listed twice", s.layers[i]);
  std::vector<LayerCost> costs(s.layers.size());
  auto get = [](const std::map<std::string, double>& m, const std::string& k, double* v) {
    auto it = m.find(k);
    if (it == m.end()) return false;
    *v = it->second;
    return true;
  };
  for (size_t i = 0; i < s.layers.size(); ++i) {
    const std::string& l = s.layers[i];
    LayerCost& c = costs[i];
    c.name = l;
    if (auto op = s.op.find(l); op != s.op.end()) c.op = op->second;
    const ConfigTiming& alone = probes[2 + static_cast<size_t>(parity.at(l))];
    c.measured = get(probes[0].layer_ms, l, &c.fp32_ms) && get(probes[1].layer_ms, l, &c.int8_ms) &&
                 get(alone.layer_ms, l, &c.int8_alone_ms);
    double q_all = 0.0;
    const bool standalone_in_all = get(probes[1].quantize_ms, l, &q_all);
    if (!get(alone.quantize_ms, l, &c.quantize_ms)) c.quantize_ms = q_all;
    // A link exists where the all-INT8 model needed no quantize step before
    // the layer: its predecessor handed the value over as INT8.
    auto p = s.chain_pred.find(l);
    if (p != s.chain_pred.end() && !standalone_in_all) {
      auto pi = index.find(p->second);
      if (pi != index.end() && pi->second < i && costs[pi->second].succ < 0) {
        c.pred = static_cast<int>(pi->second);
        costs[pi->second].succ = static_cast<int>(i);
      }
    }
  }
  return costs;
}

double link_saving_ms(const std::vector<LayerCost>& costs, size_t i) {
  const LayerCost& c = costs[i];
  if (c.pred < 0) return 0.0;
  const LayerCost& p = costs[static_cast<size_t>(c.pred)];
  return c.quantize_ms + p.int8_alone_ms - p.int8_ms;
}

double predicted_ms(const std::vector<LayerCost>& costs, const std::vector<bool>& int8) {
  double t = 0.0;
  for (size_t i = 0; i < costs.size(); ++i) {
    const LayerCost& c = costs[i];
    if (!int8[i]) {
      t += c.fp32_ms;
      continue;
    }
    t += c.int8_alone_ms + c.quantize_ms;
    if (c.pred >= 0 && int8[static_cast<size_t>(c.pred)]) t -= link_saving_ms(costs, i);
  }
  return t;
}

std::vector<bool> cheapest_assignment(const std::vector<LayerCost>& costs) {
  std::vector<bool> int8(costs.size(), true);
  auto unary = [&](size_t i, int s) {
    const LayerCost& c = costs[i];
    return s ? c.int8_alone_ms + c.quantize_ms : c.fp32_ms;
  };
  for (size_t head = 0; head < costs.size(); ++head) {
    if (costs[head].pred >= 0) continue;
    std::vector<size_t> chain;
    for (int i = static_cast<int>(head); i >= 0; i = costs[static_cast<size_t>(i)].succ)
      chain.push_back(static_cast<size_t>(i));
    // best[k][s]: cheapest cost of chain[0..k] with chain[k] in state s; from[k][s]: state of chain[k-1].
    std::vector<std::array<double, 2>> best(chain.size());
    std::vector<std::array<int, 2>> from(chain.size(), {0, 0});
    for (size_t k = 0; k < chain.size(); ++k) {
      const size_t i = chain[k];
      for (int s = 0; s < 2; ++s) {
        if (!costs[i].measured && s == 0) {
          best[k][0] = std::numeric_limits<double>::infinity();  // unmeasured layers stay INT8
          continue;
        }
        double b = unary(i, s);
        if (k > 0) {
          const double via_int8 = best[k - 1][1] - (s ? link_saving_ms(costs, i) : 0.0);
          const double via_fp32 = best[k - 1][0];
          from[k][s] = via_int8 <= via_fp32 ? 1 : 0;
          b += std::min(via_int8, via_fp32);
        }
        best[k][s] = b;
      }
    }
    int s = best.back()[1] <= best.back()[0] ? 1 : 0;
    for (size_t k = chain.size(); k-- > 0;) {
      int8[chain[k]] = s == 1;
      s = from[k][s];
    }
  }
  return int8;
}

LayerSet to_layer_set(const std::vector<LayerCost>& costs, const std::vector<bool>& int8) {
  LayerSet s;
  for (size_t i = 0; i < costs.size(); ++i)
    if (int8[i]) s.insert(costs[i].name);
  return s;
}

}  // namespace amct::workflows::perf_calibration
