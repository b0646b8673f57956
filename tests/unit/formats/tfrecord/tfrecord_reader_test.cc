#include "formats/tfrecord/tfrecord_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "formats/tfrecord/crc32c.h"
#include "test_util.h"

namespace amct::tfrecord {
namespace {

std::string write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

class TFRecordReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = amct::testing::make_temp_dir("tfrecord");
    contents_ = frame_record("first") + frame_record("") + frame_record(std::string(1000, 'x'));
  }
  std::string dir_;
  std::string contents_;
};

TEST_F(TFRecordReaderTest, FramingLayout) {
  const std::string r = frame_record("abc");
  ASSERT_EQ(r.size(), 8u + 4 + 3 + 4);
  EXPECT_EQ(static_cast<uint8_t>(r[0]), 3);
  for (int i = 1; i < 8; ++i) EXPECT_EQ(r[static_cast<size_t>(i)], 0);
  uint32_t len_crc = 0, data_crc = 0;
  for (int i = 0; i < 4; ++i) {
    len_crc |= uint32_t{static_cast<uint8_t>(r[8 + static_cast<size_t>(i)])} << (8 * i);
    data_crc |= uint32_t{static_cast<uint8_t>(r[15 + static_cast<size_t>(i)])} << (8 * i);
  }
  EXPECT_EQ(len_crc, mask_crc(crc32c(r.data(), 8)));
  EXPECT_EQ(data_crc, mask_crc(crc32c("abc", 3)));
  EXPECT_EQ(r.substr(12, 3), "abc");
}

TEST_F(TFRecordReaderTest, SequentialReadBack) {
  const std::string path = write_file(dir_ + "/a.tfrecord", contents_);
  auto reader = TFRecordReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  std::string rec;
  std::vector<std::string> got;
  for (;;) {
    auto more = reader->read_next(&rec);
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    got.push_back(rec);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "first");
  EXPECT_EQ(got[1], "");
  EXPECT_EQ(got[2], std::string(1000, 'x'));
}

TEST_F(TFRecordReaderTest, IndexAndRandomAccess) {
  const std::string path = write_file(dir_ + "/a.tfrecord", contents_);
  auto reader = TFRecordReader::open(path);
  ASSERT_TRUE(reader.ok());
  auto index = reader->index();
  ASSERT_TRUE(index.ok()) << index.status().message();
  ASSERT_EQ(index->size(), 3u);
  EXPECT_EQ((*index)[0].offset, 0u);
  EXPECT_EQ((*index)[1].offset, 16u + 5);
  EXPECT_EQ((*index)[2].length, 1000u);
  auto third = reader->read_at((*index)[2], 2);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, std::string(1000, 'x'));
  auto first = reader->read_at((*index)[0], 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "first");
}

TEST_F(TFRecordReaderTest, CorruptDataByteNamesTheRecord) {
  std::string bad = contents_;
  const size_t third_offset = (16 + 5) + 16;
  bad[third_offset + 12 + 500] ^= 0x01;
  const std::string path = write_file(dir_ + "/bad.tfrecord", bad);
  auto reader = TFRecordReader::open(path);
  ASSERT_TRUE(reader.ok());
  std::string rec;
  ASSERT_TRUE(*reader->read_next(&rec));
  ASSERT_TRUE(*reader->read_next(&rec));
  auto third = reader->read_next(&rec);
  ASSERT_FALSE(third.ok());
  const std::string msg = third.status().message();
  EXPECT_NE(msg.find("bad.tfrecord"), std::string::npos) << msg;
  EXPECT_NE(msg.find("record 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("offset " + std::to_string(third_offset)), std::string::npos) << msg;
  EXPECT_NE(msg.find("data CRC"), std::string::npos) << msg;
  // The index only checks headers, so it still succeeds; reading the record fails.
  auto index = reader->index();
  ASSERT_TRUE(index.ok());
  EXPECT_FALSE(reader->read_at((*index)[2], 2).ok());
}

TEST_F(TFRecordReaderTest, CorruptLengthIsALengthCrcError) {
  std::string bad = contents_;
  bad[0] ^= 0x02;
  const std::string path = write_file(dir_ + "/len.tfrecord", bad);
  auto reader = TFRecordReader::open(path);
  ASSERT_TRUE(reader.ok());
  auto index = reader->index();
  ASSERT_FALSE(index.ok());
  EXPECT_NE(index.status().message().find("record 0 at offset 0: length CRC mismatch"), std::string::npos)
      << index.status().message();
}

TEST_F(TFRecordReaderTest, TruncationIsAnError) {
  for (size_t cut : {contents_.size() - 1, contents_.size() - 600, size_t{21 + 5}}) {
    const std::string path = write_file(dir_ + "/cut.tfrecord", contents_.substr(0, cut));
    auto reader = TFRecordReader::open(path);
    ASSERT_TRUE(reader.ok());
    auto index = reader->index();
    EXPECT_FALSE(index.ok()) << "cut at " << cut;
  }
}

TEST_F(TFRecordReaderTest, LooksLikeTFRecord) {
  EXPECT_TRUE(*looks_like_tfrecord(write_file(dir_ + "/r", contents_)));
  EXPECT_FALSE(*looks_like_tfrecord(write_file(dir_ + "/t", "just some text, not records")));
  EXPECT_FALSE(*looks_like_tfrecord(write_file(dir_ + "/e", "")));
  EXPECT_FALSE(looks_like_tfrecord(dir_ + "/missing").ok());
}

TEST_F(TFRecordReaderTest, MissingFile) {
  auto reader = TFRecordReader::open(dir_ + "/nope.tfrecord");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("nope.tfrecord"), std::string::npos);
}

}  // namespace
}  // namespace amct::tfrecord
