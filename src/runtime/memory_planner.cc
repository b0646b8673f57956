#include "runtime/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace amct::runtime {

size_t plan_arena(std::vector<ArenaBlock>& blocks) {
  auto round_up = [](size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; };
  std::vector<size_t> order(blocks.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return blocks[a].size > blocks[b].size; });
  std::vector<size_t> placed;
  size_t total = 0;
  for (size_t idx : order) {
    ArenaBlock& b = blocks[idx];
    const size_t need = round_up(b.size);
    // Blocks alive at the same time, by offset; take the first gap that fits.
    std::vector<const ArenaBlock*> live;
    for (size_t p : placed) {
      const ArenaBlock& o = blocks[p];
      if (o.first <= b.last && b.first <= o.last) live.push_back(&o);
    }
    std::sort(live.begin(), live.end(), [](const ArenaBlock* x, const ArenaBlock* y) { return x->offset < y->offset; });
    size_t offset = 0;
    for (const ArenaBlock* o : live) {
      if (o->offset >= offset + need) break;
      offset = std::max(offset, o->offset + round_up(o->size));
    }
    b.offset = offset;
    total = std::max(total, offset + need);
    placed.push_back(idx);
  }
  return total;
}

}  // namespace amct::runtime
