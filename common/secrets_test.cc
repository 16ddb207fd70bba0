#include "common/secrets.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace tractus {
namespace {

TEST(SecretsTest, SecretsCarry256BitsAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string s = NewSecret();
    std::string raw;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(s, &raw));
    EXPECT_EQ(raw.size(), 32u);
    EXPECT_TRUE(seen.insert(s).second);
  }
}

TEST(SecretsTest, Sha256KnownAnswer) {
  // FIPS 180-2 example "abc".
  EXPECT_EQ(absl::BytesToHexString(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretsTest, HmacSha256KnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(absl::BytesToHexString(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SecretsTest, KeyedHmacSha256EqualsTheOneShotForEveryMessage) {
  // RFC 4231 test cases 2 and 6 (a key longer than the block), then the
  // same context reused for messages of other lengths.
  KeyedHmacSha256 jefe("Jefe");
  EXPECT_EQ(absl::BytesToHexString(jefe.Digest("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string long_key(131, '\xaa');
  KeyedHmacSha256 long_keyed(long_key);
  EXPECT_EQ(absl::BytesToHexString(
                long_keyed.Digest("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  for (const std::string& message :
       std::vector<std::string>{"", "a", "patient:pt_1", std::string(200, 'x')}) {
    EXPECT_EQ(jefe.Digest(message), HmacSha256("Jefe", message)) << message;
    EXPECT_EQ(long_keyed.Digest(message), HmacSha256(long_key, message)) << message;
  }
}

TEST(SecretsTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace tractus
