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
// Sen's 95 % interval: the value 5 is tied twice, so Var S = (5*4*15 -
// 2*1*9) / 18 = 15.667, C = 1.96 * 3.958 = 7.758; 0-based indices
// round(1.121) - 1 = 0 and round(8.879) = 9: [-2/7, 1/7] per day = [-2, 1]
// per week (scipy.stats.theilslopes gives the same).
// OLS: Sxy = -42, Sxx = 490: -0.0857 per day = -0.6 per week.
// Intercept = median(y + x/14) = median(6, 5.5, 6, 4.5, 6) = 6.
TEST(TrendTest, WorkedExample) {
  std::vector<DayValue> s = {{0, 6}, {7, 5}, {14, 5}, {21, 3}, {28, 4}};
  auto t = FitTrend(s);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->points, 5);
  EXPECT_NEAR(t->theil_sen_per_week, -0.5, 1e-12);
  ASSERT_TRUE(t->ci_low_per_week.has_value());
  EXPECT_NEAR(*t->ci_low_per_week, -2.0, 1e-12);
  EXPECT_NEAR(*t->ci_high_per_week, 1.0, 1e-12);
  EXPECT_NEAR(t->ols_per_week, -0.6, 1e-12);
  EXPECT_NEAR(t->intercept, 6.0, 1e-12);
  // Day 84: 6 - 84/14 = 0. Residuals about the line: 0, -0.5, 0, -1.5, 0,
  // s = sqrt(2.5 / 3); mean day 14, Sxx 490; t(0.975, 3) = 3.182446 (table):
  // half width = 3.182446 * 0.912871 * sqrt(1 + 1/5 + 70^2/490) = 9.7225,
  // clamped to the scale 0..10.
  auto p = ProjectAt(*t, s, 84, 0, 10);
  ASSERT_TRUE(p.has_value());
  EXPECT_NEAR(p->value, 0, 1e-12);
  EXPECT_NEAR(p->low, 0, 1e-12);
  EXPECT_NEAR(p->high, 9.722534059398452, 1e-9);
}

// Below 5 points no interval is claimed (a normal approximation with 3 or 4
// points covers far less than 95 %).
TEST(TrendTest, NoIntervalBelowFivePoints) {
  auto t = FitTrend({{0, 6}, {7, 5}, {14, 5}, {21, 3}});
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->ci_low_per_week.has_value());
  EXPECT_FALSE(t->ci_high_per_week.has_value());
}

TEST(TrendTest, StudentTQuantilesFromATable) {
  EXPECT_NEAR(StudentT975(1), 12.706204736, 1e-6);
  EXPECT_NEAR(StudentT975(10), 2.228138852, 1e-6);
  EXPECT_NEAR(StudentT975(30), 2.042272456, 1e-6);
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
  EXPECT_LT(*t->ci_low_per_week, -0.5);
  EXPECT_GT(*t->ci_high_per_week, -0.5);
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
// series of one point a day (odd and even slope counts, ties included);
// the interval's indices as scipy.stats.theilslopes computes them (the
// cross-check in analytics/crosscheck_test.py compares with scipy itself).
TEST(TrendTest, SelectedSlopesAreThoseOfTheSortedSlopes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const int n = 5 + static_cast<int>(rng() % 60);
    std::vector<DayValue> s;
    std::vector<int> counts(11, 0);
    for (int day = 0; day < n; ++day) {
      s.push_back({day, static_cast<double>(rng() % 11)});
      ++counts[static_cast<size_t>(s.back().value)];
    }
    std::vector<double> sorted;
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) sorted.push_back((s[j].value - s[i].value) / (j - i));
    }
    std::sort(sorted.begin(), sorted.end());
    const double total = static_cast<double>(sorted.size());
    const size_t mid = sorted.size() / 2;
    const double median = sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    double ties = 0;
    for (int c : counts) ties += c * (c - 1.0) * (2 * c + 5);
    const double c = 1.959963984540054 * std::sqrt((n * (n - 1.0) * (2 * n + 5) - ties) / 18.0);
    const long lo = std::max(std::lround(std::nearbyint((total - c) / 2)) - 1, 0L);
    const long hi = std::min(std::lround(std::nearbyint((total + c) / 2)),
                             static_cast<long>(sorted.size()) - 1);
    auto t = FitTrend(s);
    ASSERT_TRUE(t.has_value());
    EXPECT_DOUBLE_EQ(t->theil_sen_per_week, median * 7) << "n " << n;
    EXPECT_DOUBLE_EQ(*t->ci_low_per_week, sorted[static_cast<size_t>(lo)] * 7) << "n " << n;
    EXPECT_DOUBLE_EQ(*t->ci_high_per_week, sorted[static_cast<size_t>(hi)] * 7) << "n " << n;
  }
}

}  // namespace
}  // namespace tractus::analytics
