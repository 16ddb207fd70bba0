#include "analytics/measure_progress.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

const MeasureInfo& M(Measure m) { return *FindMeasure(static_cast<int>(m)); }

TEST(MeasureProgressTest, NprsWorkedExample) {
  // Baseline = day 0's 6 (last of days -14..0); latest 3 on day 14.
  // Change -3 points, -50 %: a responder (>= 2 points). Day 3's 5 improves
  // by 1 (17 %): not qualifying; days 7 and 10 (4, 4) both qualify: the
  // first sustained response is in week 1.
  std::vector<DayValue> s = {{-2, 7}, {0, 6}, {3, 5}, {7, 4}, {10, 4}, {14, 3}};
  MeasureProgress p = ComputeMeasureProgress(M(Measure::kNprs), s);
  EXPECT_EQ(p.count, 6);
  EXPECT_EQ(p.baseline, 6);
  EXPECT_EQ(p.latest, 3);
  EXPECT_EQ(p.latest_day, 14);
  EXPECT_EQ(p.change_points, -3);
  EXPECT_EQ(p.change_percent, -50);
  EXPECT_EQ(p.improvement, 3);
  EXPECT_EQ(p.responder, true);
  EXPECT_EQ(p.recovered, false);
  EXPECT_EQ(p.first_sustained_response_week, 1);
  ASSERT_EQ(p.weeks.size(), 13u);
  EXPECT_EQ(p.weeks[0].count, 2);  // days 0 and 3
  EXPECT_EQ(p.weeks[0].median, 5.5);
  EXPECT_EQ(p.weeks[1].median, 4);
  EXPECT_EQ(p.weeks[2].median, 3);
  EXPECT_FALSE(p.weeks[3].median.has_value());
  ASSERT_TRUE(p.trend.has_value());
  EXPECT_LT(p.trend->theil_sen_per_week, 0);
  ASSERT_TRUE(p.week12.has_value());
  EXPECT_GE(p.week12->value, 0);  // clamped to the scale
}

TEST(MeasureProgressTest, SkippingTheTrendChangesNothingElse) {
  std::vector<DayValue> s = {{-2, 7}, {0, 6}, {3, 5}, {7, 4}, {10, 4}, {14, 3}};
  const MeasureProgress fit = ComputeMeasureProgress(M(Measure::kNprs), s);
  const MeasureProgress skip = ComputeMeasureProgress(M(Measure::kNprs), s, TrendFit::kSkip);
  EXPECT_TRUE(fit.trend.has_value());
  EXPECT_FALSE(skip.trend.has_value());
  EXPECT_FALSE(skip.week12.has_value());
  EXPECT_EQ(skip.count, fit.count);
  EXPECT_EQ(skip.baseline, fit.baseline);
  EXPECT_EQ(skip.latest, fit.latest);
  EXPECT_EQ(skip.change_points, fit.change_points);
  EXPECT_EQ(skip.change_percent, fit.change_percent);
  EXPECT_EQ(skip.responder, fit.responder);
  EXPECT_EQ(skip.recovered, fit.recovered);
  EXPECT_EQ(skip.first_sustained_response_week, fit.first_sustained_response_week);
  ASSERT_EQ(skip.weeks.size(), fit.weeks.size());
  for (size_t w = 0; w < fit.weeks.size(); ++w) EXPECT_EQ(skip.weeks[w].median, fit.weeks[w].median);
}

TEST(MeasureProgressTest, ResponderRulesAreDirectionAware) {
  // ODI 40 -> 28: 12 points (>= 10): responder. 40 -> 31: 9 points, 22.5 %: not.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kOdi), 40, 28), true);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kOdi), 40, 31), false);
  // ODI 20 -> 14: 6 points but 30 %: responder by the percentage rule.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kOdi), 20, 14), true);
  // RMDQ 12 -> 7: 5 points.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kRmdq), 12, 7), true);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kRmdq), 12, 9), false);
  // PSFS is better when higher: 4 -> 6 responds, 6 -> 4 does not.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kPsfs), 4, 6), true);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kPsfs), 6, 4), false);
  // 6-minute walk: MDD 86 m.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kSixMinuteWalk), 340, 430), true);
  // PROMIS raw scores have no rule without a T-score table; steps none.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kPromisPi6a), 20, 10), std::nullopt);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kDailySteps), 3000, 9000), std::nullopt);
}

TEST(MeasureProgressTest, RecoveredRules) {
  EXPECT_EQ(ComputeMeasureProgress(M(Measure::kNprs), {{0, 5}, {20, 0}}).recovered, true);
  EXPECT_EQ(ComputeMeasureProgress(M(Measure::kRmdq), {{0, 12}, {40, 2}}).recovered, true);
  EXPECT_EQ(ComputeMeasureProgress(M(Measure::kRmdq), {{0, 12}, {40, 3}}).recovered, false);
  EXPECT_EQ(ComputeMeasureProgress(M(Measure::kOdi), {{0, 40}, {40, 0}}).recovered,
            std::nullopt);
}

TEST(MeasureProgressTest, NoBaselineMeansNoChange) {
  MeasureProgress p = ComputeMeasureProgress(M(Measure::kNprs), {{9, 5}, {12, 4}});
  EXPECT_FALSE(p.baseline.has_value());
  EXPECT_FALSE(p.change_points.has_value());
  EXPECT_FALSE(p.responder.has_value());
  EXPECT_EQ(p.latest, 4);
}

}  // namespace
}  // namespace tractus::analytics
