#include "data/csv.h"

#include <gtest/gtest.h>

namespace amct::data {
namespace {

TEST(Csv, QuotedFieldsWithCommasQuotesAndNewlines) {
  const std::string text =
      "file,label,name\n"
      "a.jpg,1,\"chow, chow chow\"\n"
      "\"b,c.jpg\",2,\"say \"\"hi\"\"\"\n"
      "d.jpg,3,\"two\nlines\"\n"
      "e.jpg,4,plain\n";
  auto rows = parse_csv(text, "labels.csv");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"a.jpg", "1", "chow, chow chow"}));
  EXPECT_EQ((*rows)[2].fields, (std::vector<std::string>{"b,c.jpg", "2", "say \"hi\""}));
  EXPECT_EQ((*rows)[3].fields, (std::vector<std::string>{"d.jpg", "3", "two\nlines"}));
  EXPECT_EQ((*rows)[3].line, 4u);
  EXPECT_EQ((*rows)[4].line, 6u);  // the quoted newline counted
}

TEST(Csv, CrlfBomBlankLinesAndEmptyFields) {
  auto rows = parse_csv("\xEF\xBB\xBF" "file,label\r\n\r\nx.png,,\r\ny.png,5", "l.csv");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].fields, (std::vector<std::string>{"file", "label"}));
  EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"x.png", "", ""}));
  EXPECT_EQ((*rows)[1].line, 3u);
  EXPECT_EQ((*rows)[2].fields, (std::vector<std::string>{"y.png", "5"}));
}

TEST(Csv, Errors) {
  auto open = parse_csv("file,label\n\"a.jpg,1\n", "l.csv");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().message(), "l.csv: line 2: unterminated quoted field");
  auto junk = parse_csv("\"a\"b,1\n", "l.csv");
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("line 1"), std::string::npos);
  auto empty = parse_csv("", "l.csv");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace amct::data
