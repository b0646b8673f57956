#include "data/image_folder_dataset.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace amct::data {
namespace {

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(ImageFolderDataset, ImageExtensions) {
  EXPECT_TRUE(has_image_extension("a.jpg"));
  EXPECT_TRUE(has_image_extension("A.JPEG"));
  EXPECT_TRUE(has_image_extension("x/y.Png"));
  EXPECT_TRUE(has_image_extension("z.bmp"));
  EXPECT_FALSE(has_image_extension("labels.csv"));
  EXPECT_FALSE(has_image_extension("jpg"));
}

TEST(ImageFolderDataset, CsvColumnsInAnyOrderWithQuotes) {
  const std::string dir = amct::testing::make_temp_dir("csv_cols");
  write(dir + "/a b.jpg", "x");
  write(dir + "/c,d.jpg", "y");
  write(dir + "/l.csv", "name,label,file\n\"chow, chow\",12,a b.jpg\nz, 4 ,\"c,d.jpg\"\n");
  auto ds = open_labels_csv(dir + "/l.csv");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ((*ds)->size(), 2u);
  EXPECT_EQ((*ds)->get(0)->name, "a b.jpg");
  EXPECT_EQ((*ds)->get(0)->label, 12);
  EXPECT_EQ((*ds)->get(1)->name, "c,d.jpg");
  EXPECT_EQ((*ds)->get(1)->label, 4);
  EXPECT_EQ((*ds)->get(1)->encoded, "y");
}

TEST(ImageFolderDataset, CsvErrorsNameFileAndLine) {
  const std::string dir = amct::testing::make_temp_dir("csv_err");
  write(dir + "/a.jpg", "x");
  const auto message = [&](const std::string& text) {
    write(dir + "/l.csv", text);
    auto ds = open_labels_csv(dir + "/l.csv");
    return ds.ok() ? std::string("ok") : ds.status().message();
  };
  EXPECT_EQ(message("file,class\na.jpg,1\n"),
            dir + "/l.csv: header has no 'label' column (expected columns 'file' and 'label')");
  EXPECT_EQ(message("file,label\na.jpg,cat\n"), dir + "/l.csv: line 2: label 'cat' is not a non-negative integer");
  EXPECT_EQ(message("file,label\na.jpg,-3\n"), dir + "/l.csv: line 2: label '-3' is not a non-negative integer");
  EXPECT_EQ(message("file,label\na.jpg,1\nb.jpg,2\n"),
            dir + "/l.csv: line 3: image file 'b.jpg' not found (" + dir + "/b.jpg)");
  EXPECT_EQ(message("file,label\na.jpg\n"), dir + "/l.csv: line 2: 1 fields, the header has 2");
  EXPECT_EQ(message("file,label\n"), dir + "/l.csv: no rows after the header");
  EXPECT_EQ(message("file,label\n,1\n"), dir + "/l.csv: line 2: empty 'file'");
}

}  // namespace
}  // namespace amct::data
