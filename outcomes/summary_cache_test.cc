#include "outcomes/summary_cache.h"

#include "gtest/gtest.h"

namespace tractus::outcomes {
namespace {

analytics::EpisodeSummary WithDose(double dose) {
  analytics::EpisodeSummary s;
  s.dose_newton_seconds = dose;
  return s;
}

TEST(SummaryCacheTest, ComputesOnceUntilInvalidated) {
  SummaryCache cache;
  int computed = 0;
  const auto compute = [&]() -> absl::StatusOr<analytics::EpisodeSummary> {
    return WithDose(++computed);
  };
  EXPECT_EQ(cache.Get("ep_a", compute)->dose_newton_seconds, 1);
  EXPECT_EQ(cache.Get("ep_a", compute)->dose_newton_seconds, 1);
  EXPECT_EQ(cache.Get("ep_b", compute)->dose_newton_seconds, 2);
  cache.Invalidate("ep_a");
  EXPECT_EQ(cache.Get("ep_a", compute)->dose_newton_seconds, 3);
  EXPECT_EQ(computed, 3);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(SummaryCacheTest, ASummaryComputedWhileItsEpisodeChangedIsNotKept) {
  SummaryCache cache;
  int computed = 0;
  // The episode changes while its summary is being computed from the old
  // data: the result is returned but not kept.
  auto stale = cache.Get("ep_a", [&]() -> absl::StatusOr<analytics::EpisodeSummary> {
    cache.Invalidate("ep_a");
    return WithDose(++computed);
  });
  EXPECT_EQ(stale->dose_newton_seconds, 1);
  EXPECT_EQ(cache.size(), 0u);
  const auto compute = [&]() -> absl::StatusOr<analytics::EpisodeSummary> {
    return WithDose(++computed);
  };
  EXPECT_EQ(cache.Get("ep_a", compute)->dose_newton_seconds, 2);
}

TEST(SummaryCacheTest, FailuresAreNotKept) {
  SummaryCache cache;
  EXPECT_FALSE(cache
                   .Get("ep_a", []() -> absl::StatusOr<analytics::EpisodeSummary> {
                     return absl::UnavailableError("disk");
                   })
                   .ok());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace tractus::outcomes
