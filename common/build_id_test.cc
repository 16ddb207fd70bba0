#include "common/build_id.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "absl/strings/escaping.h"

namespace tractus {
namespace {

TEST(BuildIdTest, IsTheNoteOfThisBinary) {
  const std::string& id = ProgramBuildId();
  ASSERT_GE(id.size(), 32u);  // sha1 (40) or md5/uuid (32) in hex
  EXPECT_EQ(&id, &ProgramBuildId());
  // The note's bytes are in the executable's file.
  std::ifstream in("/proc/self/exe", std::ios::binary);
  const std::string exe((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(exe.find(absl::HexStringToBytes(id)), std::string::npos);
}

}  // namespace
}  // namespace tractus
