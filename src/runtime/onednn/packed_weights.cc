#include "runtime/onednn/packed_weights.h"

#include "runtime/onednn/engine.h"

namespace amct::runtime::onednn {

dnnl::memory PackedWeights::get(const dnnl::memory::desc& want, const dnnl::memory::desc& user, const void* data) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Entry& e : entries_)
    if (e.data == data && e.md == want) return e.mem;
  auto& engine = cpu_engine();
  dnnl::memory src(user, engine, const_cast<void*>(data));  // read only: the reorder's source
  dnnl::memory dst(want, engine);
  dnnl::reorder(src, dst).execute(cpu_stream(), src, dst);
  cpu_stream().wait();
  entries_.push_back({data, want, dst});
  return dst;
}

void FilterWeights::bind(PackedWeights& packed, const dnnl::memory::desc& want, const dnnl::memory::desc& user,
                         bool constant, const void* data) {
  runtime_ = !constant;
  if (constant) {
    weights_ = packed.get(want, user, data);
    return;
  }
  auto& engine = cpu_engine();
  weights_ = dnnl::memory(want, engine);
  user_ = dnnl::memory(user, engine, DNNL_MEMORY_NONE);
  reorder_ = dnnl::reorder(user_, weights_);
}

void FilterWeights::refresh(const dnnl::stream& stream, void* data) {
  if (!runtime_) return;
  user_.set_data_handle(data);
  reorder_.execute(stream, user_, weights_);
}

}  // namespace amct::runtime::onednn
