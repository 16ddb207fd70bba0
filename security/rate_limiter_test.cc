#include "security/rate_limiter.h"

#include "common/errors.h"
#include "common/status_matchers.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace tractus::security {
namespace {

using ::tractus::testing::IsOk;
using ::tractus::testing::StatusIs;

TEST(RateLimiterTest, BurstThenRetryDelayThenRefill) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  RateLimiter limiter(RateLimit{10, 3}, &clock);
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limiter.Acquire("us_a"), IsOk());
  absl::Status over = limiter.Acquire("us_a");
  EXPECT_THAT(over, StatusIs(absl::StatusCode::kResourceExhausted));
  auto retry = over.GetPayload(kRetryInfoTypeUrl);
  ASSERT_TRUE(retry.has_value());
  google::rpc::RetryInfo info;
  ASSERT_TRUE(info.ParseFromString(std::string(*retry)));
  EXPECT_EQ(info.retry_delay().nanos(), 100'000'000);  // one call per 100 ms
  // Another principal has its own bucket.
  EXPECT_THAT(limiter.Acquire("us_b"), IsOk());
  clock.Advance(absl::Milliseconds(100));
  EXPECT_THAT(limiter.Acquire("us_a"), IsOk());
  EXPECT_THAT(limiter.Acquire("us_a"), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(RateLimiterTest, ZeroRateDisables) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  RateLimiter limiter(RateLimit{0, 0}, &clock);
  for (int i = 0; i < 1000; ++i) ASSERT_THAT(limiter.Acquire("us_a"), IsOk());
}

TEST(RateLimiterTest, IdleBucketsAreDropped) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  RateLimiter limiter(RateLimit{1000, 2}, &clock);
  for (size_t i = 0; i < RateLimiter::kMaxIdleBuckets + 10; ++i) {
    ASSERT_THAT(limiter.Acquire("peer" + std::to_string(i)), IsOk());
    clock.Advance(absl::Milliseconds(2));
  }
  // Nothing to assert on size directly; the run completes and old peers
  // start afresh with a full burst.
  EXPECT_THAT(limiter.Acquire("peer0"), IsOk());
  EXPECT_THAT(limiter.Acquire("peer0"), IsOk());
}

}  // namespace
}  // namespace tractus::security
