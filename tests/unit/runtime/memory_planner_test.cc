// Arena placement: blocks alive at the same time never overlap, dead ones share.
#include "runtime/memory_planner.h"

#include <gtest/gtest.h>

#include <random>

namespace amct::runtime {
namespace {

TEST(MemoryPlanner, ChainReusesMemory) {
  // a -> b -> c -> d, each read only by the next step: two buffers suffice.
  std::vector<ArenaBlock> blocks = {{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 3}};
  const size_t total = plan_arena(blocks);
  EXPECT_EQ(total, 2 * 1024u);
  EXPECT_EQ(blocks[0].offset, blocks[2].offset);
}

TEST(MemoryPlanner, RandomLifetimesNeverOverlapAndStayAligned) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<ArenaBlock> blocks;
    for (int i = 0; i < 40; ++i) {
      const int first = static_cast<int>(rng() % 30);
      blocks.push_back({rng() % 5000, first, first + static_cast<int>(rng() % 8)});
    }
    const size_t total = plan_arena(blocks);
    size_t sum = 0;
    for (size_t i = 0; i < blocks.size(); ++i) {
      const ArenaBlock& a = blocks[i];
      sum += a.size;
      EXPECT_EQ(a.offset % kArenaAlignment, 0u);
      EXPECT_LE(a.offset + a.size, total);
      for (size_t j = i + 1; j < blocks.size(); ++j) {
        const ArenaBlock& b = blocks[j];
        const bool same_time = a.first <= b.last && b.first <= a.last;
        const bool same_bytes = a.offset < b.offset + b.size && b.offset < a.offset + a.size;
        ASSERT_FALSE(same_time && same_bytes) << trial << ": " << i << " and " << j;
      }
    }
    EXPECT_LT(total, sum + blocks.size() * kArenaAlignment);
  }
}

}  // namespace
}  // namespace amct::runtime
