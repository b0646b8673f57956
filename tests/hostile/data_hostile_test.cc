// Hostile inputs to the data layer: every one must give a clear error naming
// the file, never a crash, hang or huge allocation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/atomic_write.h"
#include "data/dataset.h"
#include "data/image.h"
#include "formats/tfrecord/crc32c.h"
#include "formats/tfrecord/tfrecord_reader.h"
#include "test_util.h"

namespace amct::data {
namespace {

using amct::testing::asset;
using amct::testing::make_temp_dir;

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read(const std::string& path) {
  auto bytes = read_file(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return bytes.ok() ? *bytes : std::string();
}

void expect_error_naming(const Status& s, const std::string& what, const std::string& context) {
  ASSERT_FALSE(s.is_ok()) << context;
  EXPECT_NE(s.message().find(what), std::string::npos) << context << ": " << s.message();
}

const char* kJpeg = "imagenet_val_1300/images/ILSVRC2012_val_00000347.JPEG";

TEST(DataHostile, TruncatedJpeg) {
  const std::string full = read(asset(kJpeg));
  const std::string dir = make_temp_dir("hostile_jpeg");
  for (size_t cut : {size_t{3}, size_t{20}, size_t{200}, full.size() / 2, full.size() - 2}) {
    const std::string path = dir + "/cut.jpg";
    write(path, full.substr(0, cut));
    expect_error_naming(load_image(path).status(), path + ": invalid JPEG", "cut " + std::to_string(cut));
  }
}

TEST(DataHostile, TruncatedPng) {
  const std::string full = read(asset("mnist/9.png"));
  ASSERT_GT(full.size(), 60u);
  const std::string dir = make_temp_dir("hostile_png");
  for (size_t cut : {size_t{8}, size_t{30}, full.size() / 2, full.size() - 5}) {
    const std::string path = dir + "/cut.png";
    write(path, full.substr(0, cut));
    expect_error_naming(load_image(path).status(), path + ": invalid PNG", "cut " + std::to_string(cut));
  }
}

TEST(DataHostile, RandomBytesAsImage) {
  std::mt19937 rng(1234);
  const std::string prefixes[] = {"", "\xFF\xD8\xFF", "\x89PNG\r\n\x1A\n", "BM"};
  for (const std::string& prefix : prefixes) {
    for (int trial = 0; trial < 100; ++trial) {
      std::string bytes = prefix;
      const size_t n = rng() % 2000;
      for (size_t i = 0; i < n; ++i) bytes += static_cast<char>(rng() & 0xff);
      auto img = decode_image(bytes, "random.bin");
      if (!img.ok()) {
        EXPECT_NE(img.status().message().find("random.bin"), std::string::npos);
      }
    }
  }
}

TEST(DataHostile, MutatedRealJpegNeverCrashes) {
  const std::string full = read(asset(kJpeg));
  std::mt19937 rng(99);
  int failures = 0;
  for (int trial = 0; trial < 150; ++trial) {
    std::string bytes = full;
    for (int k = 0; k < 4; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
    auto img = decode_image(bytes, "mutated.jpg");
    if (img.ok()) {
      EXPECT_EQ(img->pixels.size(), static_cast<size_t>(img->width) * img->height * 3);
    } else {
      ++failures;
      EXPECT_NE(img.status().message().find("mutated.jpg"), std::string::npos);
    }
  }
  std::cout << "mutated JPEGs rejected: " << failures << " of 150\n";
}

TEST(DataHostile, JpegDeclaringHugeSizeIsRefusedBeforeAllocating) {
  std::string bytes = read(asset(kJpeg));
  const size_t sof = bytes.find("\xFF\xC0", 2);
  ASSERT_NE(sof, std::string::npos);
  for (size_t i : {5, 7}) {  // height and width 65000: within JPEG's limit, 4.2e9 pixels
    bytes[sof + i] = '\xFD';
    bytes[sof + i + 1] = '\xE8';
  }
  expect_error_naming(decode_image(bytes, "bomb.jpg").status(), "bomb.jpg: image size 65000x65000 exceeds the limit",
                      "bomb");
}

class HostileTFRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("hostile_tfr");
    good_ = read(asset("imagenet_val_1300/tfrecord/validation-00000-of-00002"));
    ASSERT_GT(good_.size(), 100000u);
  }
  // Writes bytes as the only shard of a fresh folder; returns the shard path.
  std::string shard(const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(dir_ + "/" + name);
    const std::string path = dir_ + "/" + name + "/validation-00000-of-00001";
    write(path, bytes);
    return path;
  }
  std::string dir_, good_;
};

TEST_F(HostileTFRecord, BadDataCrcNamesTheRecord) {
  std::string bad = good_;
  auto reader = tfrecord::TFRecordReader::open(asset("imagenet_val_1300/tfrecord/validation-00000-of-00002"));
  ASSERT_TRUE(reader.ok());
  auto index = reader->index();
  ASSERT_TRUE(index.ok());
  const auto loc = (*index)[3];
  bad[loc.offset + 12 + loc.length / 2] ^= 0x40;  // inside record 3's JPEG
  const std::string path = shard("crc", bad);
  auto ds = open_dataset(dir_ + "/crc");
  ASSERT_TRUE(ds.ok()) << ds.status().message();  // headers are fine
  EXPECT_TRUE((*ds)->get(2).ok());
  expect_error_naming((*ds)->get(3).status(),
                      path + ": record 3 at offset " + std::to_string(loc.offset) + ": data CRC mismatch", "crc");
  expect_error_naming(load_batch(**ds, 0, 8, Preprocess::kSlim, 224, 224, nullptr).status(), "record 3", "batch");
}

TEST_F(HostileTFRecord, BadLengthCrc) {
  std::string bad = good_;
  bad[0] ^= 0x01;
  const std::string path = shard("lencrc", bad);
  // Not recognisable as a TFRecord any more: the folder has no dataset.
  expect_error_naming(open_dataset(dir_ + "/lencrc").status(), "no labels.csv, TFRecord files or images", "folder");
  // Asked for directly, the reader says why.
  auto reader = tfrecord::TFRecordReader::open(path);
  ASSERT_TRUE(reader.ok());
  expect_error_naming(reader->index().status(), path + ": record 0 at offset 0: length CRC mismatch", "index");
}

TEST_F(HostileTFRecord, TruncatedFile) {
  const std::string path = shard("cut", good_.substr(0, good_.size() - 1000));
  expect_error_naming(open_dataset(dir_ + "/cut").status(), path + ": record 649", "cut");
  const std::string header_cut = shard("cut_header", good_.substr(0, 6));
  EXPECT_FALSE(open_dataset(header_cut).ok());
}

TEST_F(HostileTFRecord, HugeLengthFieldWithValidCrc) {
  std::string bad = good_;
  const uint64_t huge = uint64_t{1} << 62;
  for (int i = 0; i < 8; ++i) bad[static_cast<size_t>(i)] = static_cast<char>((huge >> (8 * i)) & 0xff);
  const uint32_t crc = tfrecord::mask_crc(tfrecord::crc32c(bad.data(), 8));
  for (int i = 0; i < 4; ++i) bad[8 + static_cast<size_t>(i)] = static_cast<char>((crc >> (8 * i)) & 0xff);
  const std::string path = shard("huge", bad);
  expect_error_naming(open_dataset(dir_ + "/huge").status(),
                      path + ": record 0 at offset 0: length 4611686018427387904 exceeds", "huge");
}

class HostileLabels : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("hostile_csv");
    write(dir_ + "/a.jpg", read(asset(kJpeg)));
  }
  Status open_with(const std::string& csv) {
    write(dir_ + "/labels.csv", csv);
    return open_dataset(dir_).status();
  }
  std::string dir_;
};

TEST_F(HostileLabels, MissingLabelColumn) {
  expect_error_naming(open_with("file,index1000\na.jpg,3\n"), dir_ + "/labels.csv: header has no 'label' column",
                      "no label");
}

TEST_F(HostileLabels, NonNumericLabel) {
  expect_error_naming(open_with("file,label\na.jpg,canoe\n"),
                      dir_ + "/labels.csv: line 2: label 'canoe' is not a non-negative integer", "text label");
  expect_error_naming(open_with("file,label\na.jpg,99999999999999999999999\n"), "line 2: label", "overflow");
  expect_error_naming(open_with("file,label\na.jpg,3x\n"), "line 2: label '3x'", "suffix");
}

TEST_F(HostileLabels, MissingImageFile) {
  expect_error_naming(open_with("file,label\na.jpg,1\nimages/gone.JPEG,2\n"),
                      dir_ + "/labels.csv: line 3: image file 'images/gone.JPEG' not found", "missing");
}

TEST_F(HostileLabels, ImageDeletedAfterOpening) {
  ASSERT_TRUE(open_with("file,label\na.jpg,1\n").is_ok());
  auto ds = open_dataset(dir_);
  ASSERT_TRUE(ds.ok());
  std::filesystem::remove(dir_ + "/a.jpg");
  expect_error_naming(load_batch(**ds, 0, 1, Preprocess::kSlim, 224, 224, nullptr).status(), dir_ + "/a.jpg",
                      "deleted");
}

TEST(DataHostileFolders, EmptyFolder) {
  const std::string dir = make_temp_dir("hostile_empty");
  expect_error_naming(open_dataset(dir).status(), dir + ": empty folder", "empty");
}

TEST(DataHostileFolders, CorruptImageInFolderNamesIt) {
  const std::string dir = make_temp_dir("hostile_folder");
  write(dir + "/a.jpg", read(asset(kJpeg)));
  write(dir + "/b.jpg", "this is not a jpeg");
  auto ds = open_dataset(dir);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  expect_error_naming(load_batch(**ds, 0, 2, Preprocess::kSample, 224, 224, nullptr).status(),
                      dir + "/b.jpg: not a JPEG, PNG or BMP image", "corrupt");
}

}  // namespace
}  // namespace amct::data
