#include "analytics/cohort_stats.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

TEST(CohortStatsTest, WilsonInterval) {
  // 20 of 50: p = 0.4; Wilson 95 % = [0.276, 0.538] (textbook value).
  Interval w = WilsonInterval(20, 50);
  EXPECT_DOUBLE_EQ(w.estimate, 0.4);
  EXPECT_NEAR(w.low, 0.2761, 5e-4);
  EXPECT_NEAR(w.high, 0.5382, 5e-4);
  // Never outside 0..1, even at the extremes.
  EXPECT_GE(WilsonInterval(0, 11).low, 0);
  EXPECT_LE(WilsonInterval(11, 11).high, 1);
  EXPECT_GT(WilsonInterval(0, 11).high, 0);
}

TEST(CohortStatsTest, MeanAndMedianIntervals) {
  // Mean of 2, 4, 6, 8: 5; sd = 2.582; se = 1.291; 95 %: 5 -+ 2.530.
  Interval m = MeanInterval({2, 4, 6, 8});
  EXPECT_DOUBLE_EQ(m.estimate, 5);
  EXPECT_NEAR(m.high - m.estimate, 1.96 * 1.2910, 1e-3);
  // Median of 1..11 is 6; ranks 5.5 -+ 3.25 -> values 2 (rank 2) and 10.
  Interval md = MedianInterval({11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(md.estimate, 6);
  EXPECT_EQ(md.low, 2);
  EXPECT_EQ(md.high, 10);
}

// Hand-computed table. Weeks to response (* = censored):
//   2, 3, 3, 4*, 5, 6*, 6, 8*, 8*, 10
//   t  at risk  events  censored  S(t)
//   2    10       1        0      0.9
//   3     9       2        0      0.9 x 7/9 = 0.7
//   4     7       0        1      0.7
//   5     6       1        0      0.7 x 5/6 = 0.58333
//   6     5       1        1      0.58333 x 4/5 = 0.46667
//   8     3       0        2      0.46667
//  10     1       1        0      0
TEST(CohortStatsTest, KaplanMeierAgainstAHandTable) {
  std::vector<TimeToEvent> s = {{2, true},  {3, true},  {3, true},  {4, false}, {5, true},
                                {6, false}, {6, true},  {8, false}, {8, false}, {10, true}};
  auto km = KaplanMeier(s);
  ASSERT_EQ(km.size(), 7u);
  const int times[] = {2, 3, 4, 5, 6, 8, 10};
  const int at_risk[] = {10, 9, 7, 6, 5, 3, 1};
  const double survival[] = {0.9, 0.7, 0.7, 0.583333, 0.466667, 0.466667, 0};
  for (size_t i = 0; i < km.size(); ++i) {
    EXPECT_EQ(km[i].time, times[i]);
    EXPECT_EQ(km[i].at_risk, at_risk[i]);
    EXPECT_NEAR(km[i].survival, survival[i], 1e-5);
    EXPECT_NEAR(km[i].cumulative, 1 - survival[i], 1e-5);
  }
  EXPECT_EQ(km[4].events, 1);
  EXPECT_EQ(km[4].censored, 1);
}

TEST(CohortStatsTest, Spearman) {
  EXPECT_NEAR(*Spearman({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10}), 1.0, 1e-12);
  EXPECT_NEAR(*Spearman({1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}), -1.0, 1e-12);
  // Monotone but not linear: still 1.
  EXPECT_NEAR(*Spearman({1, 2, 3, 4}, {1, 10, 100, 1000}), 1.0, 1e-12);
  // Ties get average ranks: x ranks 1.5 1.5 3 4, y ranks 1 2 3 4 -> 0.9487.
  EXPECT_NEAR(*Spearman({1, 1, 2, 3}, {1, 2, 3, 4}), 0.948683, 1e-6);
  EXPECT_FALSE(Spearman({1, 2}, {1, 2}).has_value());
  EXPECT_FALSE(Spearman({1, 1, 1}, {1, 2, 3}).has_value());
}

// Shards send their episodes in any order; the figures must not change in
// the last bit (the merged cohort is compared with one server's exactly).
TEST(CohortStatsTest, FiguresDoNotDependOnInputOrder) {
  std::vector<double> values, other;
  for (int i = 0; i < 97; ++i) {
    values.push_back(i % 21 * 0.5 + 1.0 / 3);
    other.push_back((i * 37) % 101 / 7.0);
  }
  std::vector<double> reversed(values.rbegin(), values.rend());
  std::vector<double> other_reversed(other.rbegin(), other.rend());
  const Interval a = MeanInterval(values), b = MeanInterval(reversed);
  EXPECT_EQ(a.estimate, b.estimate);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_EQ(*Spearman(values, other), *Spearman(reversed, other_reversed));
}

}  // namespace
}  // namespace tractus::analytics
