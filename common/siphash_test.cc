#include "common/siphash.h"

#include <string>

#include "gtest/gtest.h"

namespace tractus {
namespace {

// The paper's test vectors (Appendix A and the reference vectors.h): key
// 00 01 .. 0f, messages 00 01 .. (n-1).
TEST(SipHashTest, ReferenceVectors) {
  std::string key, message;
  for (int i = 0; i < 16; ++i) key.push_back(static_cast<char>(i));
  for (int i = 0; i < 15; ++i) message.push_back(static_cast<char>(i));
  const SipHash24 h(key);
  EXPECT_EQ(h.Hash(message), 0xa129ca6149be45e5ULL);  // the paper's worked example
  EXPECT_EQ(h.Hash(""), 0x726fdb47dd0e0e31ULL);       // vectors.h, length 0
  EXPECT_EQ(h.Hash(std::string(1, '\0')), 0x74f839c593dc67fdULL);  // length 1
}

}  // namespace
}  // namespace tractus
