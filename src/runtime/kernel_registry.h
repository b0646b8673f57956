// The ops the runtime executes: name -> kernel factory and data-input arity.
#pragma once

#include <string>
#include <vector>

#include "runtime/kernel.h"

namespace amct::runtime {

struct OpEntry {
  const char* op;
  KernelFactory factory;  // null for Placeholder and Const (handled by the plan)
  int min_inputs;
  int max_inputs;  // -1: any number
};

// nullptr when the op is not supported.
const OpEntry* find_op(const std::string& op_type);
std::vector<std::string> supported_ops();

}  // namespace amct::runtime
