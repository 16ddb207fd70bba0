#include "analytics/episode_series.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1790000000;  // start of day 0

// An assessment on `day` at `hour` (hours after the day's start).
Assessment At(int day, double value, int hour = 20) {
  return {day, value, kStart + day * kDay + hour * 3600};
}

TEST(EpisodeSeriesTest, WeekOfDay) {
  EXPECT_EQ(WeekOfDay(0), 0);
  EXPECT_EQ(WeekOfDay(6), 0);
  EXPECT_EQ(WeekOfDay(7), 1);
  EXPECT_EQ(WeekOfDay(83), 11);
  EXPECT_EQ(WeekOfDay(84), 12);
  EXPECT_EQ(WeekOfDay(-1), -1);
  EXPECT_EQ(WeekOfDay(-7), -1);
  EXPECT_EQ(WeekOfDay(-8), -2);
}

TEST(EpisodeSeriesTest, WithoutSessionsTheBaselineIsTheLastValueOfTheLookback) {
  // Days -20 (too early), -10, -2 and 0: day 0's value.
  auto pick = PickBaseline({At(-20, 9), At(-10, 7), At(-2, 6), At(0, 5), At(3, 4)}, std::nullopt);
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->index, 3u);
  EXPECT_EQ(pick->rule, BaselineRule::kPreTreatment);
  pick = PickBaseline({At(-20, 9), At(-10, 7), At(2, 4)}, std::nullopt);
  EXPECT_EQ(pick->index, 1u);
}

// The case: the table's pre-session pain (7) at the first
// session's start on day 0 is the baseline; a home report later that day
// (after treatment) is not, nor is anything after.
TEST(EpisodeSeriesTest, TheBaselineIsRecordedBeforeTheFirstSessionStarts) {
  const int64_t first_session = kStart + 10 * 3600;  // day 0, 10:00
  std::vector<Assessment> course = {At(-3, 8), {0, 7, first_session}, At(0, 4, 20), At(2, 6)};
  auto pick = PickBaseline(course, first_session);
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->index, 1u);  // the pre-session 7, not the evening's 4
  EXPECT_EQ(pick->rule, BaselineRule::kPreTreatment);
  // A session that started before any value of the lookback: the first of
  // week 0 (here day 0's evening report), stated by the rule.
  pick = PickBaseline({At(0, 5, 20), At(3, 4)}, kStart - 2 * kDay);
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->index, 0u);
  EXPECT_EQ(pick->rule, BaselineRule::kFirstOfWeek0);
}

TEST(EpisodeSeriesTest, BaselineFallsBackToFirstValueOfWeekZero) {
  auto pick = PickBaseline({At(-20, 9), At(2, 6), At(5, 5)}, std::nullopt);
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->index, 1u);
  EXPECT_EQ(pick->rule, BaselineRule::kFirstOfWeek0);
  EXPECT_FALSE(PickBaseline({At(7, 6)}, std::nullopt).has_value());
  EXPECT_FALSE(PickBaseline({}, std::nullopt).has_value());
}

TEST(EpisodeSeriesTest, WeeklyMedians) {
  // Week 0: 6, 4, 5 -> 5; week 1: 3, 4 -> 3.5; week 12: day 84 -> 1.
  auto weeks = WeeklyMedians(
      {At(-3, 9), At(0, 6), At(1, 4), At(6, 5), At(7, 3), At(13, 4), At(84, 1)});
  ASSERT_EQ(weeks.size(), 13u);
  EXPECT_EQ(weeks[0], 5);
  EXPECT_EQ(weeks[1], 3.5);
  EXPECT_EQ(weeks[2], std::nullopt);
  EXPECT_EQ(weeks[12], 1);
}

TEST(EpisodeSeriesTest, Median) {
  EXPECT_EQ(Median({3}), 3);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(Median({5, 1, 9}), 5);
}

// Summaries name the data that made a condition true: the value after
// which the group's running median has stayed on the right side.
TEST(EpisodeSeriesTest, SummaryHoldsSinceTheDataThatMadeItTrue) {
  const auto by_day = [](const Assessment& a) { return a.day; };
  const auto high = [](double v) { return v >= 7; };
  // Day 3: 8 (median 8: high), 2 (median 5: not), 9 (median 8: high again,
  // from the third value on). Day 4: 5 only. Day 5: 7.
  std::vector<Assessment> course = {At(3, 8, 8), At(3, 2, 9), At(3, 9, 10), At(4, 5), At(5, 7)};
  auto s = Summarize(course, by_day, high);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].key, 3);
  EXPECT_EQ(s[0].median, 8);
  EXPECT_EQ(s[0].first_unix, At(3, 8, 8).unix_seconds);
  EXPECT_EQ(s[0].holds_since_unix, At(3, 9, 10).unix_seconds);
  EXPECT_FALSE(s[1].holds_since_unix.has_value());
  EXPECT_EQ(s[2].holds_since_unix, At(5, 7).unix_seconds);
}

}  // namespace
}  // namespace tractus::analytics
