// amct bench: latency and throughput of a model on amct's runtime.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "commands.h"
#include "run_mode.h"
#include "runtime/session.h"

namespace amct::cli {
namespace {

struct BenchArgs {
  std::string model, outputs;
  int batch = 1, threads = 0, warmup = 3, iters = 20;
  bool int8 = false, simulate = false, profile = false;
};

// Per-step mean times, slowest first, with their share of the total.
void print_profile(const std::vector<runtime::StepTime>& steps) {
  std::vector<runtime::StepTime> sorted = steps;
  std::sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.total_ms > y.total_ms; });
  double total = 0.0;
  for (const auto& s : sorted) total += s.total_ms;
  std::printf("profile: step mean_ms share\n");
  for (const auto& s : sorted)
    std::printf("  %-90s %8.4f %5.1f%%\n", s.step.c_str(), s.total_ms / static_cast<double>(std::max<int64_t>(s.runs, 1)),
                total > 0 ? 100.0 * s.total_ms / total : 0.0);
}

Status run_bench(const BenchArgs& a) {
  if (a.batch <= 0 || a.iters <= 0 || a.warmup < 0) return error("--batch and --iters must be positive");
  AMCT_ASSIGN_OR_RETURN(ModelToRun to_run, load_model_to_run(a.model, a.outputs, a.simulate));
  const workflows::LoadedModel& model = to_run.model;
  runtime::SessionOptions opts;
  opts.num_threads = a.threads;
  opts.profile = a.profile;
  AMCT_ASSIGN_OR_RETURN(auto session, runtime::Session::create(model.graph, model.outputs, opts));
  graph::Tensor input(graph::DataType::kFloat, {a.batch, model.height, model.width, 3});
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < input.num_elements(); ++i) input.data<float>()[i] = dist(rng);
  for (int i = 0; i < a.warmup; ++i) AMCT_RETURN_IF_ERROR(session->run({{model.input_name, input}}).status());
  session->reset_profile();
  std::vector<double> ms;
  for (int i = 0; i < a.iters; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    AMCT_RETURN_IF_ERROR(session->run({{model.input_name, input}}).status());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2];
  std::printf("model: %s\nmode: %s\nbatch: %d\nthreads: %d\niterations: %d\n", a.model.c_str(),
              to_run.mode.c_str(), a.batch, a.threads, a.iters);
  std::printf("min_ms: %.3f\nmax_ms: %.3f\n", ms.front(), ms.back());
  std::printf("latency_ms: %.3f\n", median);
  std::printf("throughput: %.1f img/s\n", 1000.0 * a.batch / median);
  if (a.profile) print_profile(session->profile());
  return Status::ok();
}

}  // namespace

void register_bench(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand("bench", "Latency/throughput of a model on amct's runtime");
  cmd->add_option("--model", args->model, "frozen GraphDef .pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s)");
  cmd->add_option("--batch", args->batch, "batch size")->capture_default_str();
  cmd->add_option("--threads", args->threads, "compute threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "untimed runs first")->capture_default_str();
  cmd->add_option("--iters", args->iters, "timed runs")->capture_default_str();
  auto* int8 = cmd->add_flag("--int8", args->int8, "run quantized layers with INT8 kernels (the default)");
  cmd->add_flag("--simulate", args->simulate, "run a quantized model as its fp32 fake-quant simulation")->excludes(int8);
  cmd->add_flag("--profile", args->profile, "print the mean time of every step (timed runs only)");
  cmd->callback([args] { finish("bench", run_bench(*args)); });
}

}  // namespace amct::cli
