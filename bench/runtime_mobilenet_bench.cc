// MobileNetV2 fp32 on amct's runtime: ms per batch at batch 1 and 32 with 1
// and 2 threads (mean, median, stddev and min over 5 repetitions). The model
// is read from the shared assets (AMCT_ASSETS_DIR overrides ../shared/assets
// next to the checkout). Compare with bench/ort/ort_bench.js on the same machine.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include "formats/tf/graphdef_reader.h"
#include "runtime/session.h"

namespace {

using amct::graph::DataType;
using amct::graph::Tensor;

std::string assets_dir() {
  if (const char* env = std::getenv("AMCT_ASSETS_DIR")) return env;
  return (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "shared" / "assets").string();
}

const amct::graph::Graph* mobilenet_v2() {
  static std::unique_ptr<amct::graph::Graph> g = [] {
    auto r = amct::tf::read_graphdef(assets_dir() + "/models/mobilenet_v2_1.0_224_quant_float.pb");
    return r.ok() ? std::make_unique<amct::graph::Graph>(std::move(r).value()) : nullptr;
  }();
  return g.get();
}

void BM_MobileNetV2Fp32(benchmark::State& state) {
  const int64_t batch = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const amct::graph::Graph* g = mobilenet_v2();
  if (!g) {
    state.SkipWithError("cannot read models/mobilenet_v2_1.0_224_quant_float.pb");
    return;
  }
  amct::runtime::SessionOptions opts;
  opts.num_threads = threads;
  auto session = amct::runtime::Session::create(*g, {"MobilenetV2/Predictions/Reshape_1"}, opts);
  if (!session.ok()) {
    state.SkipWithError(session.status().message().c_str());
    return;
  }
  Tensor x(DataType::kFloat, {batch, 224, 224, 3});
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = dist(rng);
  const amct::runtime::Feeds feeds{{"input", x}};
  // The first run builds the instance for this shape (primitives, weight reorders): not timed.
  if (auto warm = (*session)->run(feeds); !warm.ok()) {
    state.SkipWithError(warm.status().message().c_str());
    return;
  }
  for (auto _ : state) {
    auto out = (*session)->run(feeds);
    benchmark::DoNotOptimize(out);
  }
  state.counters["img/s"] = benchmark::Counter(static_cast<double>(batch * state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_MobileNetV2Fp32)
    ->ArgNames({"batch", "threads"})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({32, 1})
    ->Args({32, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0)
    // The machine is shared: the minimum over repetitions is the least disturbed figure.
    ->Repetitions(5)
    ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); })
    ->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
