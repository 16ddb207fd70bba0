#include "analytics/course.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

TEST(CourseTest, AdherenceByWeekAndDose) {
  // Plan: 12 sessions at 5 a week -> weeks 0, 1, 2 plan 5, 5, 2.
  std::vector<SessionFact> s;
  for (int d : {0, 2, 4, 7, 9, 11, 12, 14}) s.push_back({"s", d, 0, false, 0, 0, 1500});
  Adherence a = ComputeAdherence(s, 12, 5, 17);
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
  EXPECT_FALSE(ComputeAdherence(s, 12, 5, 3).to_date.has_value());  // week 0 not over
}

}  // namespace
}  // namespace tractus::analytics
