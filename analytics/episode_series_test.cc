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

TEST(EpisodeSeriesTest, Median) {
  EXPECT_EQ(Median({3}), 3);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(Median({5, 1, 9}), 5);
}

TEST(EpisodeSeriesTest, AfterDayIsTheWindowAfterADay) {
  std::vector<Assessment> c = {At(-3, 1), At(0, 2), At(0, 3), At(5, 4), At(90, 5), At(91, 6)};
  EXPECT_EQ(AfterDay(c, 0), (std::pair<size_t, size_t>{3, 5}));   // days 5 and 90
  EXPECT_EQ(AfterDay(c, -5), (std::pair<size_t, size_t>{1, 5}));  // from day 0
  EXPECT_EQ(AfterDay(c, 90), (std::pair<size_t, size_t>{5, 5}));  // none: day 91 is past week 12
}

TEST(EpisodeSeriesTest, GroupMediansByDayAndWeek) {
  // Days 1 (4, 6: 5), 3 (8), 8 (2): weeks 0 (4, 6, 8: 6) and 1 (2).
  std::vector<Assessment> c = {At(1, 4, 8), At(1, 6, 9), At(3, 8), At(8, 2)};
  auto days = GroupMedians(c, 0, c.size(), Grouping::kDay);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].key, 1);
  EXPECT_EQ(days[0].median, 5);
  EXPECT_EQ(days[0].begin, 0u);
  EXPECT_EQ(days[0].end, 2u);
  auto weeks = GroupMedians(c, 0, c.size(), Grouping::kWeek);
  ASSERT_EQ(weeks.size(), 2u);
  EXPECT_EQ(weeks[0].median, 6);
  EXPECT_EQ(weeks[1].key, 1);
  EXPECT_EQ(weeks[1].median, 2);
}

// The trailing run names only the last days that are bad, and each day
// names the data that made it bad: the value after which its running
// median has stayed on that side.
TEST(EpisodeSeriesTest, TrailingRunAndTheDataThatMadeItTrue) {
  const auto high = [](double v) { return v >= 7; };
  // Day 2: 9 (bad), day 3: 8 (median 8: bad), 2 (5: not), 9 (8: bad again
  // from the third value on), day 4: 7.
  std::vector<Assessment> c = {At(2, 9), At(3, 8, 8), At(3, 2, 9), At(3, 9, 10), At(4, 7)};
  auto run = TrailingRun(c, 0, c.size(), Grouping::kDay, high);
  ASSERT_EQ(run.size(), 3u);
  EXPECT_EQ(run[1].key, 3);
  EXPECT_EQ(run[1].median, 8);
  EXPECT_EQ(HoldsSince(c, run[1].begin, run[1].end, high), At(3, 9, 10).unix_seconds);
  EXPECT_EQ(HoldsSince(c, run[2].begin, run[2].end, high), At(4, 7).unix_seconds);
  c.push_back(At(5, 3));  // the latest day is fine: no run
  EXPECT_TRUE(TrailingRun(c, 0, c.size(), Grouping::kDay, high).empty());
  EXPECT_FALSE(HoldsSince(c, 5, 6, high).has_value());
}

}  // namespace
}  // namespace tractus::analytics
