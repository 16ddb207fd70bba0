#include "analytics/trend.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

// Worked by hand. Points (day, value): (0,6) (7,5) (14,5) (21,3) (28,4).
// The 10 pairwise slopes per day, sorted:
//   -2/7, -1/7, -1/7, -1/7, -1/14, -1/14, -1/14, -1/21, 0, 1/7
// Theil–Sen = mean of the 5th and 6th = -1/14 per day = -0.5 per week.
// Sen's 95 % interval: Var S = 5*4*15/18 = 16.67, C = 1.96*4.08 = 8.00,
// ranks (10-8)/2 = 1 and (10+8)/2+1 = 10: [-2/7, 1/7] per day = [-2, 1]/week.
// OLS: Sxy = -42, Sxx = 490: -0.0857 per day = -0.6 per week.
// Intercept = median(y + x/14) = median(6, 5.5, 6, 4.5, 6) = 6.
TEST(TrendTest, WorkedExample) {
  std::vector<DayValue> s = {{0, 6}, {7, 5}, {14, 5}, {21, 3}, {28, 4}};
  auto t = FitTrend(s);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->points, 5);
  EXPECT_NEAR(t->theil_sen_per_week, -0.5, 1e-12);
  EXPECT_NEAR(t->ci_low_per_week, -2.0, 1e-12);
  EXPECT_NEAR(t->ci_high_per_week, 1.0, 1e-12);
  EXPECT_NEAR(t->ols_per_week, -0.6, 1e-12);
  EXPECT_NEAR(t->intercept, 6.0, 1e-12);
  // Day 84: 6 - 84/14 = 0. The interval pivots at the median day (14, value
  // 5): 5 - 2/7*70 = -15 and 5 + 1/7*70 = 15, clamped to the scale 0..10.
  Projection p = ProjectAt(*t, s, 84, 0, 10);
  EXPECT_NEAR(p.value, 0, 1e-12);
  EXPECT_NEAR(p.low, 0, 1e-12);
  EXPECT_NEAR(p.high, 10, 1e-12);
}

TEST(TrendTest, TooFewPointsHaveNoTrend) {
  EXPECT_FALSE(FitTrend({}).has_value());
  EXPECT_FALSE(FitTrend({{0, 1}, {7, 2}}).has_value());
  EXPECT_FALSE(FitTrend({{3, 1}, {3, 2}, {3, 4}}).has_value());
}

// A seeded synthetic patient: daily pain falling 0.5/week with noise, and
// three wild reports. Theil–Sen recovers the slope; OLS is bent.
TEST(TrendTest, OneWildReportCannotBendIt) {
  std::mt19937 rng(20261127);
  std::normal_distribution<double> noise(0, 0.4);
  std::vector<DayValue> s;
  for (int day = 0; day <= 84; ++day) s.push_back({day, 7.0 - 0.5 / 7 * day + noise(rng)});
  s[80].value = 10;
  s[82].value = 10;
  s[84].value = 10;
  auto t = FitTrend(s);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->theil_sen_per_week, -0.5, 0.05);
  EXPECT_LT(t->ci_low_per_week, -0.5);
  EXPECT_GT(t->ci_high_per_week, -0.5);
  EXPECT_GT(t->ols_per_week - t->theil_sen_per_week, 0.05);  // OLS pulled up
}

// Many values on one day count as that day's median: a flood of reports
// can neither bend the trend nor make it expensive.
TEST(TrendTest, ManyValuesPerDayAreReducedToTheDaysMedian) {
  std::vector<DayValue> s;
  for (int day = 0; day <= 84; ++day) {
    for (int k = 0; k < 1000; ++k) s.push_back({day, 8.0 - day / 14.0 + (k % 3) - 1});
  }
  auto t = FitTrend(s);  // 85,000 values: must not allocate billions of pairs
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->points, 85);
  EXPECT_NEAR(t->theil_sen_per_week, -0.5, 1e-9);
}

TEST(TrendTest, LongSeriesAreBinned) {
  std::vector<DayValue> s;
  for (int day = 0; day < 5000; ++day) s.push_back({day, 100.0 - 0.07 * day});
  auto t = FitTrend(s);
  ASSERT_TRUE(t.has_value());
  EXPECT_LE(t->points, static_cast<int>(kMaxTrendPoints));
  EXPECT_NEAR(t->theil_sen_per_week, -0.49, 1e-6);
}

// The selected order statistics are those of the sorted slopes, on random
// series of one point a day (odd and even slope counts, ties included).
TEST(TrendTest, SelectedSlopesAreThoseOfTheSortedSlopes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const int n = 3 + static_cast<int>(rng() % 60);
    std::vector<DayValue> s;
    for (int day = 0; day < n; ++day) s.push_back({day, static_cast<double>(rng() % 11)});
    std::vector<double> sorted;
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) sorted.push_back((s[j].value - s[i].value) / (j - i));
    }
    std::sort(sorted.begin(), sorted.end());
    const size_t total = sorted.size();
    const double median = total % 2 ? sorted[total / 2]
                                    : (sorted[total / 2 - 1] + sorted[total / 2]) / 2;
    const double c = 1.959963984540054 * std::sqrt(n * (n - 1.0) * (2 * n + 5) / 18.0);
    const auto at_rank = [&](double rank) {
      const long r = std::clamp(std::lround(rank), 1L, static_cast<long>(total));
      return sorted[static_cast<size_t>(r - 1)];
    };
    auto t = FitTrend(s);
    ASSERT_TRUE(t.has_value());
    EXPECT_DOUBLE_EQ(t->theil_sen_per_week, median * 7) << "n " << n;
    EXPECT_DOUBLE_EQ(t->ci_low_per_week, at_rank((total - c) / 2) * 7) << "n " << n;
    EXPECT_DOUBLE_EQ(t->ci_high_per_week, at_rank((total + c) / 2 + 1) * 7) << "n " << n;
  }
}

}  // namespace
}  // namespace tractus::analytics
