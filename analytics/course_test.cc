#include "analytics/course.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

SessionFact On(int day, double dose = 1500) {
  SessionFact f;
  f.session_id = "s" + std::to_string(day);
  f.day = day;
  f.dose_newton_seconds = dose;
  return f;
}

TEST(CourseTest, EvenPlanSpreadsTheTotal) {
  // 12 sessions at 5 a week: weeks 0, 1, 2 plan 5, 5, 2.
  const WeeklySchedule s = EvenSchedule(12, 5);
  EXPECT_EQ(s[0], 5);
  EXPECT_EQ(s[1], 5);
  EXPECT_EQ(s[2], 2);
  EXPECT_EQ(s[3], 0);
}

TEST(CourseTest, AdherenceByWeekAndDose) {
  std::vector<SessionFact> s;
  for (int d : {0, 2, 4, 7, 9, 11, 12, 14}) s.push_back(On(d));
  Adherence a = ComputeAdherence(s, EvenSchedule(12, 5), 17);
  EXPECT_EQ(a.done, 8);
  EXPECT_EQ(a.planned, 12);
  EXPECT_DOUBLE_EQ(a.overall, 8.0 / 12);
  EXPECT_EQ(a.planned_to_date, 10);  // weeks 0 and 1 have passed on day 17
  EXPECT_DOUBLE_EQ(*a.to_date, 7.0 / 10);
  EXPECT_EQ(a.weeks[0].planned, 5);
  EXPECT_EQ(a.weeks[0].done, 3);
  EXPECT_EQ(a.weeks[1].done, 4);
  EXPECT_EQ(a.weeks[2].planned, 2);
  EXPECT_EQ(a.weeks[3].planned, 0);
  EXPECT_DOUBLE_EQ(a.dose_newton_seconds, 8 * 1500);
  EXPECT_FALSE(ComputeAdherence(s, EvenSchedule(12, 5), 3).to_date.has_value());  // week 0 not over
}

// The case: a tapering course of 5, 3, 2, 2 a week attended in
// full is 100 % adherent at day 28 (an even 5-a-week reading said 0.60).
TEST(CourseTest, TaperingScheduleAttendedInFull) {
  const WeeklySchedule taper = {5, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  std::vector<SessionFact> s;
  for (int d : {0, 1, 2, 3, 4, 7, 9, 11, 14, 17, 21, 24}) s.push_back(On(d));
  Adherence a = ComputeAdherence(s, taper, 28);
  EXPECT_EQ(a.planned, 16);
  EXPECT_EQ(a.planned_to_date, 12);
  EXPECT_DOUBLE_EQ(*a.to_date, 1.0);
  EXPECT_EQ(a.weeks[1].planned, 3);
  EXPECT_EQ(a.weeks[1].done, 3);
  // Read as an even 5-a-week plan, the same sessions were 12 of 20.
  EXPECT_DOUBLE_EQ(*ComputeAdherence(s, EvenSchedule(16, 5), 28).to_date, 12.0 / 16);
}

TEST(CourseTest, SessionsBeforeDayZeroCountForWeekZero) {
  Adherence a = ComputeAdherence({On(-2), On(1), On(3)}, EvenSchedule(10, 3), 7);
  EXPECT_EQ(a.weeks[0].done, 3);
  EXPECT_DOUBLE_EQ(*a.to_date, 1.0);
}

TEST(CourseTest, ImmediateEffectIsPrePostPerSession) {
  SessionFact a = On(0), b = On(2), c = On(4);
  a.pre_pain = 7;
  a.post_pain = 4;
  b.pre_pain = 6;  // no post value: left out
  c.pre_pain = 5;
  c.post_pain = 4;
  ImmediateEffect e = ComputeImmediateEffect({a, b, c});
  ASSERT_EQ(e.sessions.size(), 2u);
  EXPECT_EQ(e.sessions[0].pre, 7);
  EXPECT_EQ(e.sessions[0].post, 4);
  EXPECT_DOUBLE_EQ(*e.mean_relief, (3 + 1) / 2.0);
  EXPECT_FALSE(ComputeImmediateEffect({b}).mean_relief.has_value());
}

}  // namespace
}  // namespace tractus::analytics
