#include "analytics/episode_series.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

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

TEST(EpisodeSeriesTest, BaselineIsLastValueOfTheLookback) {
  // Days -20 (too early), -10, -2 and 0: the baseline is day 0's value.
  EXPECT_EQ(Baseline({{-20, 9}, {-10, 7}, {-2, 6}, {0, 5}, {3, 4}}), 5);
  EXPECT_EQ(Baseline({{-20, 9}, {-10, 7}, {2, 4}}), 7);
}

TEST(EpisodeSeriesTest, BaselineFallsBackToFirstValueOfWeekZero) {
  EXPECT_EQ(Baseline({{-20, 9}, {2, 6}, {5, 5}}), 6);
  EXPECT_EQ(Baseline({{7, 6}}), std::nullopt);
  EXPECT_EQ(Baseline({}), std::nullopt);
}

TEST(EpisodeSeriesTest, WeeklyMedians) {
  // Week 0: 6, 4, 5 -> 5; week 1: 3, 4 -> 3.5; week 12: day 84 -> 1.
  auto weeks = WeeklyMedians({{-3, 9}, {0, 6}, {1, 4}, {6, 5}, {7, 3}, {13, 4}, {84, 1}});
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

}  // namespace
}  // namespace tractus::analytics
