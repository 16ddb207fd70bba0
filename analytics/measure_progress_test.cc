#include "analytics/measure_progress.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1790000000;  // start of day 0

const MeasureInfo& M(Measure m) { return *FindMeasure(static_cast<int>(m)); }

Assessment At(int day, double value, int hour = 20) {
  return {day, value, kStart + day * kDay + hour * 3600};
}

std::vector<Assessment> Series(std::initializer_list<std::pair<int, double>> values) {
  std::vector<Assessment> out;
  for (const auto& [day, value] : values) out.push_back(At(day, value));
  return out;
}

TEST(MeasureProgressTest, NprsWorkedExample) {
  // Baseline = day 0's 6 (last of days -14..0; no session yet); latest 3 on
  // day 14. Change -3 points, -50 %: a responder (>= 2 points). Pain is a
  // daily measure: weekly medians of the values after day 0 are week 0
  // {5} -> 5 (1 point, 17 %: no), week 1 {4, 4} -> 4 (yes), week 2 {3}
  // (yes): sustained from week 1.
  auto s = Series({{-2, 7}, {0, 6}, {3, 5}, {7, 4}, {10, 4}, {14, 3}});
  MeasureProgress p = ComputeMeasureProgress(M(Measure::kNprs), s, std::nullopt);
  EXPECT_EQ(p.count, 6);
  EXPECT_EQ(p.baseline, 6);
  ASSERT_TRUE(p.baseline_pick.has_value());
  EXPECT_EQ(p.baseline_pick->index, 1u);
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
  ASSERT_TRUE(p.week12.has_value());  // weeks 0, 1 and 2 have data
  EXPECT_GE(p.week12->value, 0);      // clamped to the scale
}

// The case: a day-0 pre 7 at the session's start is the baseline;
// later reports of 6 do not make the patient worse than baseline, and 7 ->
// 5 responds.
TEST(MeasureProgressTest, BaselineIsTheValueBeforeTheFirstSession) {
  const int64_t session = kStart + 10 * 3600;
  std::vector<Assessment> s = {{0, 7, session}, At(7, 6), At(14, 5)};
  MeasureProgress p = ComputeMeasureProgress(M(Measure::kNprs), s, session);
  EXPECT_EQ(p.baseline, 7);
  EXPECT_EQ(p.responder, true);  // 7 -> 5: 2 points
}

// One visit's two low values are not a sustained response: pain is read by
// weekly medians, and pain came back the next days.
TEST(MeasureProgressTest, OneVisitIsNotASustainedResponse) {
  auto s = Series({{-1, 7}, {1, 5}, {1, 4}, {2, 7}, {3, 7}, {4, 7}, {8, 7}, {9, 7}});
  MeasureProgress p = ComputeMeasureProgress(M(Measure::kNprs), s, std::nullopt);
  EXPECT_EQ(p.baseline, 7);
  EXPECT_FALSE(p.first_sustained_response_week.has_value());
}

// Daily pain is read by weekly medians: two good days in a bad week are not
// a sustained response (by assessment days they would be: days 1 and 2).
// Two good weeks are.
TEST(MeasureProgressTest, DailyMeasuresNeedTwoGoodWeeks) {
  auto s = Series({{-1, 7}, {1, 4}, {2, 4}, {3, 7}, {4, 7}, {5, 7}, {6, 7}, {8, 7}, {9, 7}});
  EXPECT_FALSE(ComputeMeasureProgress(M(Measure::kNprs), s, std::nullopt)
                   .first_sustained_response_week.has_value());
  for (int day = 14; day <= 27; ++day) s.push_back(At(day, 4));
  EXPECT_EQ(ComputeMeasureProgress(M(Measure::kNprs), s, std::nullopt)
                .first_sustained_response_week,
            2);
}

// Visit measures: two consecutive assessment days, not two assessments of
// one day. ODI 40 -> 28 twice on day 14 (one visit), 38 on day 21: none;
// then 28 on days 28 and 35: sustained from week 4.
TEST(MeasureProgressTest, VisitMeasuresNeedTwoAssessmentDays) {
  auto s = Series({{0, 40}, {14, 28}, {14, 28}, {21, 38}});
  EXPECT_FALSE(ComputeMeasureProgress(M(Measure::kOdi), s, std::nullopt)
                   .first_sustained_response_week.has_value());
  s.push_back(At(28, 28));
  s.push_back(At(35, 28));
  EXPECT_EQ(ComputeMeasureProgress(M(Measure::kOdi), s, std::nullopt)
                .first_sustained_response_week,
            4);
}

TEST(MeasureProgressTest, SkippingTheTrendChangesNothingElse) {
  auto s = Series({{-2, 7}, {0, 6}, {3, 5}, {7, 4}, {10, 4}, {14, 3}});
  const MeasureProgress fit = ComputeMeasureProgress(M(Measure::kNprs), s, std::nullopt);
  const MeasureProgress skip =
      ComputeMeasureProgress(M(Measure::kNprs), s, std::nullopt, TrendFit::kSkip);
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
  for (size_t w = 0; w < fit.weeks.size(); ++w) {
    EXPECT_EQ(skip.weeks[w].median, fit.weeks[w].median);
  }
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
  // Lumbar flexion: MDC95 12.75 degrees (1.96 x sqrt(2) x 4.6), not the SEM of 4.6.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kLumbarFlexion), 40, 50), false);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kLumbarFlexion), 40, 53), true);
  // No citable rule: PROMIS raw scores, extension, walking tolerance, steps.
  EXPECT_EQ(MeetsResponderRule(M(Measure::kPromisPi6a), 20, 10), std::nullopt);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kLumbarExtension), 10, 30), std::nullopt);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kWalkingTolerance), 10, 60), std::nullopt);
  EXPECT_EQ(MeetsResponderRule(M(Measure::kDailySteps), 3000, 9000), std::nullopt);
}

TEST(MeasureProgressTest, RecoveredRules) {
  const auto recovered = [](Measure m, double first, double last) {
    return ComputeMeasureProgress(M(m), Series({{0, first}, {40, last}}), std::nullopt).recovered;
  };
  EXPECT_EQ(recovered(Measure::kNprs, 5, 0), true);
  EXPECT_EQ(recovered(Measure::kRmdq, 12, 2), true);
  EXPECT_EQ(recovered(Measure::kRmdq, 12, 3), false);
  EXPECT_EQ(recovered(Measure::kOdi, 40, 0), std::nullopt);
}

TEST(MeasureProgressTest, NoBaselineMeansNoChange) {
  MeasureProgress p =
      ComputeMeasureProgress(M(Measure::kNprs), Series({{9, 5}, {12, 4}}), std::nullopt);
  EXPECT_FALSE(p.baseline.has_value());
  EXPECT_FALSE(p.change_points.has_value());
  EXPECT_FALSE(p.responder.has_value());
  EXPECT_EQ(p.latest, 4);
}

TEST(MeasureProgressTest, NoProjectionFromFewerThanThreeWeeks) {
  auto s = Series({{0, 6}, {1, 6}, {2, 5}, {3, 5}, {8, 4}, {9, 4}});  // weeks 0 and 1
  MeasureProgress p = ComputeMeasureProgress(M(Measure::kNprs), s, std::nullopt);
  EXPECT_TRUE(p.trend.has_value());
  EXPECT_FALSE(p.week12.has_value());
}

}  // namespace
}  // namespace tractus::analytics
