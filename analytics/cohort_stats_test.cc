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
  // Mean of 2, 4, 6, 8: 5; sd = 2.582; se = 1.291; Student's t with 3
  // degrees of freedom: 5 -+ 3.182446 * 1.290994 = [0.891479, 9.108521]
  // (scipy.stats.t.interval).
  Interval m = MeanInterval({2, 4, 6, 8});
  EXPECT_DOUBLE_EQ(m.estimate, 5);
  EXPECT_NEAR(m.low, 0.891479486478242, 1e-9);
  EXPECT_NEAR(m.high, 9.108520513521757, 1e-9);
  // Median of 1..11 is 6; P(Bin(11, 1/2) <= 1) = 0.0059 <= 0.025 <
  // P(<= 2) = 0.0327 (scipy.stats.binom), so ranks 2 and 10.
  Interval md = MedianInterval({11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(md.estimate, 6);
  EXPECT_EQ(md.low, 2);
  EXPECT_EQ(md.high, 10);
}

// Exact binomial ranks for the median (n = 30: P(Bin(30, 1/2) <= 9) =
// 0.0214 <= 0.025 < P(<= 10) = 0.0494, so ranks 10 and 21); a 5-value
// median can claim no 95 % interval beyond the extremes.
TEST(CohortStatsTest, MedianRanksAreExactBinomial) {
  std::vector<double> v;
  for (int i = 1; i <= 30; ++i) v.push_back(i);
  Interval md = MedianInterval(v);
  EXPECT_EQ(md.estimate, 15.5);
  EXPECT_EQ(md.low, 10);
  EXPECT_EQ(md.high, 21);
  Interval five = MedianInterval({5, 1, 4, 2, 3});
  EXPECT_EQ(five.low, 1);
  EXPECT_EQ(five.high, 5);
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
  // Greenwood on the log-log scale, by hand (numpy): at t = 2,
  // V = 1/(10*9), se = sqrt(V)/|ln 0.9|, S^exp(+-1.96 se) ->
  // cumulative [0.014719, 0.526991]; at 3, V += 2/(9*7): [0.108051,
  // 0.671283]; at 5, V += 1/(6*5): [0.179261, 0.770213]; at 6, V += 1/(5*4):
  // [0.263390, 0.850448]; censor-only steps keep the interval; at 10 S = 0:
  // none.
  const double low[] = {0.014719, 0.108051, 0.108051, 0.179261, 0.263390, 0.263390};
  const double high[] = {0.526991, 0.671283, 0.671283, 0.770213, 0.850448, 0.850448};
  for (size_t i = 0; i < 6; ++i) {
    ASSERT_TRUE(km[i].cumulative_low.has_value()) << i;
    EXPECT_NEAR(*km[i].cumulative_low, low[i], 1e-6) << i;
    EXPECT_NEAR(*km[i].cumulative_high, high[i], 1e-6) << i;
  }
  EXPECT_FALSE(km[6].cumulative_low.has_value());
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
