// Constant weights reordered into the format a oneDNN primitive chose, once
// per (data, format), and shared by every executor of one kernel. Executors
// may be prepared on several threads at once (side-by-side batch slices), so
// lookups are locked.
#pragma once

#include <dnnl.hpp>

#include <mutex>
#include <vector>

namespace amct::runtime::onednn {

class PackedWeights {
 public:
  // `data` laid out as `user`, in the format `want`.
  dnnl::memory get(const dnnl::memory::desc& want, const dnnl::memory::desc& user, const void* data);

 private:
  struct Entry {
    const void* data;
    dnnl::memory::desc md;
    dnnl::memory mem;
  };
  std::vector<Entry> entries_;
  std::mutex mu_;
};

// One executor's filter in the primitive's format: a constant filter comes
// from the kernel's PackedWeights (reordered once), a filter computed at run
// time is reordered from its buffer before every execution.
class FilterWeights {
 public:
  void bind(PackedWeights& packed, const dnnl::memory::desc& want, const dnnl::memory::desc& user, bool constant,
            const void* data);
  // Before each execution, with the filter input's current buffer.
  void refresh(const dnnl::stream& stream, void* data);
  const dnnl::memory& memory() const { return weights_; }

 private:
  dnnl::memory weights_, user_;
  dnnl::reorder reorder_;
  bool runtime_ = false;
};

}  // namespace amct::runtime::onednn
