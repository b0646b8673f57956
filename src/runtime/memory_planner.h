// Places the intermediate buffers of one input signature in a single arena:
// buffers whose lifetimes overlap never share bytes. Greedy by size, largest
// first, each at the lowest offset that fits (as TFLite's arena planner).
#pragma once

#include <cstddef>
#include <vector>

namespace amct::runtime {

struct ArenaBlock {
  size_t size = 0;
  int first = 0;  // step that writes it
  int last = 0;   // last step that reads it (>= first)
  size_t offset = 0;  // set by plan_arena
};

constexpr size_t kArenaAlignment = 64;

// Sets every block's offset (a multiple of kArenaAlignment); returns the arena size.
size_t plan_arena(std::vector<ArenaBlock>& blocks);

}  // namespace amct::runtime
