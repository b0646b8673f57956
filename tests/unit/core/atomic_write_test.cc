#include "core/atomic_write.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace amct {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AtomicWrite, WritesReplacesAndLeavesNoTemporary) {
  const std::string dir = testing::make_temp_dir("atomic");
  const std::string p = dir + "/sub/out.txt";
  ASSERT_TRUE(write_file_atomic(p, "first").is_ok());
  ASSERT_TRUE(write_file_atomic(p, std::string("second\0bytes", 12)).is_ok());
  auto back = read_file(p);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, std::string("second\0bytes", 12));
  EXPECT_EQ(listing(dir + "/sub"), std::vector<std::string>{"out.txt"});
}

TEST(AtomicWrite, FailingFillKeepsThePreviousFile) {
  const std::string dir = testing::make_temp_dir("atomic");
  const std::string p = dir + "/out.txt";
  ASSERT_TRUE(write_file_atomic(p, "previous").is_ok());
  Status st = write_file_atomic(p, [](std::ostream& out) {
    out << "half of the new";
    return error("generator failed");
  });
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(*read_file(p), "previous");
  EXPECT_EQ(listing(dir), std::vector<std::string>{"out.txt"});
}

TEST(AtomicWrite, RemovesTemporariesOfDeadProcessesOnly) {
  const std::string dir = testing::make_temp_dir("atomic");
  const std::string p = dir + "/m.pb";
  // pid 2^22+1 is above Linux's pid_max limit: no such process can exist.
  const std::string dead = atomic_temp_name(p, (1L << 22) + 1);
  const std::string alive = atomic_temp_name(p, 1);  // init is always running
  const std::string other = dir + "/other.pb.tmp.4194305";
  for (const auto& f : {dead, alive, other}) std::ofstream(f) << "partial";
  ASSERT_TRUE(write_file_atomic(p, "new").is_ok());
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(other));  // another output's temporaries are its own writer's business
  EXPECT_EQ(*read_file(p), "new");
}

TEST(AtomicWrite, DirectoryInTheWayIsAnError) {
  const std::string dir = testing::make_temp_dir("atomic");
  fs::create_directories(dir + "/out.txt");
  Status st = write_file_atomic(dir + "/out.txt", "x");
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("out.txt: is a directory"), std::string::npos) << st.message();
}

TEST(AtomicWrite, UnwritableDirectoryIsAnErrorNamingThePath) {
  Status st = write_file_atomic("/proc/amct_no_such_dir/out.txt", "x");
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("/proc/amct_no_such_dir/out.txt"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace amct
