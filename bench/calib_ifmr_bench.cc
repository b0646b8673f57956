// Streaming IFMR throughput: both passes over 10M random floats fed in batches
// (values/s counts every value once per pass).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "quant/calib/activation_calibrator.h"

namespace {

const std::vector<float>& data() {
  static const std::vector<float> v = [] {
    std::vector<float> d(10'000'000);
    std::mt19937 rng(1);
    std::normal_distribution<float> n(0.5f, 1.5f);
    for (float& x : d) x = std::max(0.0f, std::min(6.0f, n(rng)));  // ReLU6-like
    return d;
  }();
  return v;
}

void BM_IfmrStreaming(benchmark::State& state) {
  const std::vector<float>& d = data();
  const size_t batch = static_cast<size_t>(state.range(0));
  amct::quant::IfmrConfig config;
  config.asymmetric = state.range(1) != 0;
  for (auto _ : state) {
    auto cal = amct::quant::make_ifmr(config);
    for (int pass = 0; pass < cal->num_passes(); ++pass)
      for (size_t pos = 0; pos < d.size(); pos += batch)
        cal->observe(pass, d.data() + pos, std::min(batch, d.size() - pos), static_cast<int64_t>(d.size()));
    auto f = cal->finalize();
    if (!f.ok()) state.SkipWithError(f.status().message().c_str());
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 2 * static_cast<int64_t>(d.size()));
}
// Real time: pass 1 splits the candidates over OpenMP threads (OMP_NUM_THREADS).
BENCHMARK(BM_IfmrStreaming)
    ->Args({150528, 1})
    ->Args({150528, 0})
    ->Args({4096, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_HfmgStreaming(benchmark::State& state) {
  const std::vector<float>& d = data();
  const size_t batch = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    auto cal = amct::quant::make_hfmg(amct::quant::HfmgConfig{});
    for (size_t pos = 0; pos < d.size(); pos += batch)
      cal->observe(0, d.data() + pos, std::min(batch, d.size() - pos), static_cast<int64_t>(d.size()));
    benchmark::DoNotOptimize(cal->finalize());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(d.size()));
}
BENCHMARK(BM_HfmgStreaming)->Arg(150528)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
