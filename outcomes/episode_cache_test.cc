#include "outcomes/episode_cache.h"

#include "gtest/gtest.h"

namespace tractus::outcomes {
namespace {

using Cache = EpisodeCache<int>;

Cache::Compute Counter(int* computed) {
  return [computed]() -> absl::StatusOr<int> { return ++*computed; };
}

TEST(EpisodeCacheTest, ComputesOnceUntilInvalidated) {
  Cache cache;
  int computed = 0;
  EXPECT_EQ(**cache.Get("ep_a", Counter(&computed)), 1);
  EXPECT_EQ(**cache.Get("ep_a", Counter(&computed)), 1);
  EXPECT_EQ(**cache.Get("ep_b", Counter(&computed)), 2);
  cache.Invalidate("ep_a");
  EXPECT_EQ(**cache.Get("ep_a", Counter(&computed)), 3);
  EXPECT_EQ(computed, 3);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(EpisodeCacheTest, AValueComputedWhileItsEpisodeChangedIsNotKept) {
  Cache cache;
  int computed = 0;
  // The episode changes while its value is being computed from the old
  // data: the result is returned but not kept.
  auto stale = cache.Get("ep_a", [&]() -> absl::StatusOr<int> {
    cache.Invalidate("ep_a");
    return ++computed;
  });
  EXPECT_EQ(**stale, 1);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(**cache.Get("ep_a", Counter(&computed)), 2);
}

TEST(EpisodeCacheTest, FailuresAreNotKept) {
  Cache cache;
  EXPECT_FALSE(
      cache.Get("ep_a", []() -> absl::StatusOr<int> { return absl::UnavailableError("disk"); })
          .ok());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(EpisodeCacheTest, ABudgetDropsTheLeastRecentlyUsed) {
  // 64 stripes of 10 bytes: each value costs 4, so a stripe keeps 2.
  Cache cache(640, [](const int&) { return size_t{4}; });
  int computed = 0;
  // Enough episodes that some stripe gets at least three of them.
  for (int i = 0; i < 1000; ++i) (void)cache.Get("ep_" + std::to_string(i), Counter(&computed));
  EXPECT_EQ(computed, 1000);
  EXPECT_LE(cache.size(), 128u);
  EXPECT_LE(cache.bytes(), 640u);
  EXPECT_EQ(cache.bytes(), cache.size() * 4);
  // The last one asked for is kept; being read keeps an entry from being
  // the next to go.
  (void)cache.Get("ep_999", Counter(&computed));
  EXPECT_EQ(computed, 1000);
  for (int i = 0; i < 1000; ++i) {
    (void)cache.Get("ep_999", Counter(&computed));
    (void)cache.Get("fresh_" + std::to_string(i), Counter(&computed));
  }
  EXPECT_EQ(**cache.Get("ep_999", Counter(&computed)), 1000);
  cache.Invalidate("ep_999");
  EXPECT_EQ(cache.bytes(), cache.size() * 4);
}

TEST(EpisodeCacheTest, AValueOverAStripesBudgetIsReturnedButNotKept) {
  Cache cache(64, [](const int&) { return size_t{2}; });
  int computed = 0;
  EXPECT_EQ(**cache.Get("ep_a", Counter(&computed)), 1);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(EpisodeCacheTest, ABudgetOfZeroKeepsNothing) {
  Cache cache(0, [](const int&) { return size_t{0}; });
  int computed = 0;
  EXPECT_EQ(**cache.Get("ep_a", Counter(&computed)), 1);
  EXPECT_EQ(**cache.Get("ep_a", Counter(&computed)), 2);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace tractus::outcomes
