#include "exports/file_sink.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/secrets.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "storage/test_dir.h"

namespace tractus::exports {
namespace {

using ::tractus::testing::IsOk;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class FileSinkTest : public ::testing::TestWithParam<FileSink::Sync> {};

TEST_P(FileSinkTest, CountsHashesAndHoldsEveryByteAcrossBuffersAndWriteback) {
  // ~21 MiB: many 1 MiB buffers, writeback started twice (durable), a line
  // bigger than the buffer, and a tail.
  TestDir dir;
  auto sink = FileSink::Create(dir.path(), "rows.csv", "Observation", GetParam());
  ASSERT_THAT(sink, IsOk());
  std::string expected = "a,b,c\n";
  ASSERT_THAT((*sink)->Line("a,b,c", /*header=*/true), IsOk());
  int64_t records = 0;
  for (int i = 0; i < 300'000; ++i) {
    const std::string line = absl::StrCat("S", i, ",E", i * 7, ",pain_nrs,", i % 11);
    ASSERT_THAT((*sink)->Line(line), IsOk());
    absl::StrAppend(&expected, line, "\n");
    ++records;
  }
  std::string lines;
  for (int i = 0; i < 80'000; ++i) absl::StrAppend(&lines, "big,", i, ",", i * 3, "\n");
  ASSERT_GT(lines.size(), size_t{1} << 20);
  ASSERT_THAT((*sink)->Lines(lines, 80'000), IsOk());
  expected += lines;
  records += 80'000;
  while (expected.size() < (21u << 20)) {
    ASSERT_THAT((*sink)->Line("tail,1,2,3"), IsOk());
    expected += "tail,1,2,3\n";
    ++records;
  }
  auto file = (*sink)->Close();
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ(file->name(), "rows.csv");
  EXPECT_EQ(file->records(), records);
  EXPECT_EQ(file->bytes(), static_cast<int64_t>(expected.size()));
  const std::string on_disk = ReadAll(dir.path() + "/rows.csv");
  EXPECT_TRUE(on_disk == expected);
  EXPECT_EQ(file->sha256(), absl::BytesToHexString(Sha256(expected)));
}

INSTANTIATE_TEST_SUITE_P(BothSyncs, FileSinkTest,
                         ::testing::Values(FileSink::Sync::kDurable, FileSink::Sync::kPageCache));

}  // namespace
}  // namespace tractus::exports
