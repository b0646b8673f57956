#include "runtime/onednn/engine.h"

namespace amct::runtime::onednn {

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

dnnl::memory::desc plain_md(const dnnl::memory::dims& dims, const dnnl::memory::dims& strides) {
  if (!strides.empty()) return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, strides);
  dnnl::memory::dims s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, s);
}

std::string impl_name(const dnnl::primitive_desc_base& pd) {
  const char* name = nullptr;
  try {
    name = pd.impl_info_str();
  } catch (const dnnl::error&) {
    return "?";
  }
  return name ? name : "?";
}

}  // namespace amct::runtime::onednn
