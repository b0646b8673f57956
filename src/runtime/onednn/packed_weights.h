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

}  // namespace amct::runtime::onednn
