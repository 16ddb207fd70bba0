#include "security/tokens.h"

#include "common/status_matchers.h"
#include "gtest/gtest.h"

namespace tractus::security {
namespace {

using ::tractus::testing::IsOk;
using ::tractus::testing::StatusIs;

const std::string kKey(32, 'k');
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(TokensTest, RoundTrip) {
  const std::string token = SignToken({"ak_1", kNow + absl::Minutes(15)}, kKey);
  auto claims = VerifyToken(token, kKey, kNow);
  ASSERT_THAT(claims, IsOk());
  EXPECT_EQ(claims->key_id, "ak_1");
  EXPECT_EQ(claims->expire_time, kNow + absl::Minutes(15));
}

TEST(TokensTest, RefusesExpiredTamperedForeignAndMalformed) {
  const std::string token = SignToken({"ak_1", kNow + absl::Minutes(15)}, kKey);
  EXPECT_THAT(VerifyToken(token, kKey, kNow + absl::Minutes(15)),
              StatusIs(absl::StatusCode::kUnauthenticated));
  std::string altered = token;
  altered[6] = altered[6] == '2' ? '3' : '2';  // inside the key id
  EXPECT_THAT(VerifyToken(altered, kKey, kNow), StatusIs(absl::StatusCode::kUnauthenticated));
  // A later expiry with the old MAC.
  std::string extended = SignToken({"ak_1", kNow + absl::Hours(99)}, kKey);
  extended = extended.substr(0, extended.rfind('.')) + token.substr(token.rfind('.'));
  EXPECT_THAT(VerifyToken(extended, kKey, kNow), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifyToken(token, std::string(32, 'x'), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  for (const char* bad : {"", "tat1", "tat1..", "tat1.a.b.c.d", "x.y.z"}) {
    EXPECT_THAT(VerifyToken(bad, kKey, kNow), StatusIs(absl::StatusCode::kUnauthenticated))
        << bad;
  }
}

}  // namespace
}  // namespace tractus::security
