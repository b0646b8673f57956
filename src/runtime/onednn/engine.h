// The process-wide oneDNN CPU engine, a stream per thread, and helpers that
// turn dnnl::error into Status.
#pragma once

#include <dnnl.hpp>

#include <string>
#include <utility>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::runtime::onednn {

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// Runs f(); a dnnl::error becomes "oneDNN <what>: <message> (status N)".
template <typename F>
Status guarded(const char* what, F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const dnnl::error& e) {
    return error("oneDNN {}: {} (status {})", what, e.what(), static_cast<int>(e.status));
  } catch (const std::bad_alloc&) {
    return error("oneDNN {}: out of memory", what);
  }
  return Status::ok();
}

// A plain memory descriptor with explicit strides (row-major when strides empty).
dnnl::memory::desc plain_md(const dnnl::memory::dims& dims, const dnnl::memory::dims& strides = {});

// The primitive's implementation name ("jit:avx512_core", "ref:any"...).
std::string impl_name(const dnnl::primitive_desc_base& pd);

}  // namespace amct::runtime::onednn
