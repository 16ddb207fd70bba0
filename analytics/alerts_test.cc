#include "analytics/alerts.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1790000000;  // start of day 0

const MeasureInfo* M(Measure m) { return FindMeasure(static_cast<int>(m)); }

Assessment At(int day, double value, int hour = 20) {
  return {day, value, kStart + day * kDay + hour * 3600};
}

// A course whose first assessment (day 0, 08:00: before any session) is
// the pre-treatment baseline.
MeasureCourse Course(Measure m, double baseline, std::vector<Assessment> later = {}) {
  MeasureCourse c{M(m), {At(0, baseline, 8)}, baseline, 0, At(0, baseline, 8).unix_seconds};
  for (const Assessment& a : later) c.course.push_back(a);
  return c;
}

// An episode whose last home report was the day before `today`.
AlertInputs Base(int today) {
  AlertInputs in;
  for (size_t w = 0; w < in.week_start_unix.size(); ++w) {
    in.week_start_unix[w] = kStart + static_cast<int64_t>(w) * 7 * kDay;
  }
  in.last_home_report = HomeReport{today - 1, kStart + (today - 1) * kDay + 3600};
  in.pain.measure = M(Measure::kNprs);
  return in;
}

// 01:00 (or `hour`) on `today`.
AlertMoment Moment(int today, int hour = 1) {
  return {kStart + today * kDay + hour * 3600, today, {}};
}

SessionFact Session(const std::string& id, int day, int stops = 0, int overshoots = 0) {
  SessionFact f;
  f.session_id = id;
  f.day = day;
  f.end_unix = kStart + day * kDay;
  f.patient_stops = stops;
  f.overshoots = overshoots;
  return f;
}

std::vector<AlertKind> Kinds(const std::vector<Alert>& alerts) {
  std::vector<AlertKind> k;
  for (const Alert& a : alerts) k.push_back(a.kind);
  return k;
}

TEST(AlertsTest, QuietEpisodeHasNone) {
  AlertInputs in = Base(10);
  const AlertMoment in_at = Moment(10);
  in.pain = Course(Measure::kNprs, 6, {At(3, 5), At(7, 4), At(9, 4)});
  EXPECT_TRUE(EvaluateAlerts(in, in_at).empty());
}

// Worsening needs two assessment days: two high reports of one day (a
// visit) are one day.
TEST(AlertsTest, WorseningNeedsTwoConsecutiveHighDays) {
  AlertInputs in = Base(10);
  const AlertMoment in_at = Moment(10);
  in.pain = Course(Measure::kNprs, 5, {At(1, 5), At(2, 7, 9), At(2, 8, 11)});
  EXPECT_TRUE(EvaluateAlerts(in, in_at).empty());
  in.pain.course.push_back(At(3, 8));  // a second day: alert
  auto alerts = EvaluateAlerts(in, in_at);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kWorsening});
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);
  // True since day 3's report; the condition began with day 2's first.
  EXPECT_EQ(alerts[0].raised_unix_seconds, At(3, 8).unix_seconds);
  EXPECT_EQ(alerts[0].key, "worsening:" + std::to_string(At(2, 7, 9).unix_seconds));
  ASSERT_EQ(alerts[0].evidence.size(), 3u);  // baseline and both days
  EXPECT_EQ(alerts[0].evidence[0].label, "baseline");
  EXPECT_EQ(alerts[0].evidence[0].value, 5);
  EXPECT_EQ(alerts[0].evidence[1].value, 7.5);  // day 2's median
  EXPECT_EQ(alerts[0].evidence[2].value, 8);
  in.pain.course.push_back(At(4, 9));  // the same run goes on: the same key
  EXPECT_EQ(EvaluateAlerts(in, in_at)[0].key, alerts[0].key);
  in.pain.course.push_back(At(5, 5));  // back down: no longer in force
  EXPECT_TRUE(EvaluateAlerts(in, in_at).empty());
}

// The 8 -> 2 -> 7: no worsening (7 < 8 + 2) but a relapse, from
// the report that brought week 2's median 2 points above the best week.
TEST(AlertsTest, RelapseAfterAResponse) {
  AlertInputs in = Base(17);
  const AlertMoment in_at = Moment(17);
  std::vector<Assessment> later;
  for (int d = 1; d <= 13; ++d) later.push_back(At(d, 2));
  for (int d = 14; d <= 16; ++d) later.push_back(At(d, 7));
  in.pain = Course(Measure::kNprs, 8, later);
  auto alerts = EvaluateAlerts(in, in_at);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kRelapse});
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(alerts[0].raised_unix_seconds, At(14, 7).unix_seconds);
  EXPECT_EQ(alerts[0].key, "relapse:" + std::to_string(At(14, 7).unix_seconds));
  ASSERT_GE(alerts[0].evidence.size(), 3u);
  EXPECT_EQ(alerts[0].evidence[1].label, "best_weekly_median");
  EXPECT_EQ(alerts[0].evidence[1].value, 2);
  EXPECT_EQ(alerts[0].evidence[2].label, "weekly_median");
  EXPECT_EQ(alerts[0].evidence[2].value, 7);
  // Pain settles again in week 2: the week's median is 3, within 2 points of
  // the best: no longer in force.
  for (int d = 17; d <= 20; ++d) in.pain.course.push_back(At(d, 3));
  EXPECT_TRUE(EvaluateAlerts(in, in_at).empty());
  // Without a response first there is no relapse: 8, 7, 9 weekly.
  AlertInputs none = Base(17);
  const AlertMoment none_at = Moment(17);
  none.pain = Course(Measure::kNprs, 8, {At(3, 7), At(10, 7), At(15, 9)});
  EXPECT_TRUE(EvaluateAlerts(none, none_at).empty());
}

// A baseline of 9 leaves no room for "2 points above": 10 on two days is
// the ceiling alert. With 8, the same days are a worsening.
TEST(AlertsTest, PainAtTheCeiling) {
  AlertInputs in = Base(6);
  const AlertMoment in_at = Moment(6);
  in.pain = Course(Measure::kNprs, 9, {At(2, 9), At(3, 10), At(4, 10)});
  auto alerts = EvaluateAlerts(in, in_at);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kPainAtCeiling});
  EXPECT_EQ(alerts[0].raised_unix_seconds, At(4, 10).unix_seconds);
  in.pain.course.pop_back();  // one day of 10 is not enough
  EXPECT_TRUE(EvaluateAlerts(in, in_at).empty());
  in.pain = Course(Measure::kNprs, 8, {At(3, 10), At(4, 10)});
  EXPECT_EQ(Kinds(EvaluateAlerts(in, in_at)), std::vector<AlertKind>{AlertKind::kWorsening});
}

TEST(AlertsTest, DisabilityWorseningByTheMcid) {
  AlertInputs in = Base(15);
  const AlertMoment in_at = Moment(15);
  in.pain = Course(Measure::kNprs, 6, {At(7, 6), At(14, 6)});
  // ODI 30 -> 42, 41: 12 and 11 points worse on two days. RMDQ 10 -> 16,
  // 14: one day 5 or more worse only.
  in.disability = {Course(Measure::kOdi, 30, {At(7, 42), At(14, 41)}),
                   Course(Measure::kRmdq, 10, {At(7, 16), At(14, 14)})};
  auto alerts = EvaluateAlerts(in, in_at);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kDisabilityWorsening});
  EXPECT_EQ(alerts[0].key, "worsening-odi:" + std::to_string(At(7, 42).unix_seconds));
  EXPECT_EQ(alerts[0].severity, Severity::kMedium);
  // 9 points worse is within the MCID.
  in.disability[0].course.back().value = 39;
  EXPECT_TRUE(EvaluateAlerts(in, in_at).empty());
}

TEST(AlertsTest, NoResponseByWeekSix) {
  AlertInputs in = Base(45);
  const AlertMoment in_at = Moment(45);
  std::vector<Assessment> later;
  for (int d = 3; d <= 44; d += 3) later.push_back(At(d, d < 20 ? 6 : 5));
  in.pain = Course(Measure::kNprs, 6, later);
  auto alerts = EvaluateAlerts(in, in_at);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kNoResponseByWeek6});
  EXPECT_EQ(alerts[0].raised_unix_seconds, in.week_start_unix[6]);
  // Weekly medians 2 below baseline in weeks 4 and 5 prevent it.
  for (Assessment& a : in.pain.course) {
    if (a.day >= 28 && a.day < 42) a.value = 4;
  }
  EXPECT_TRUE(EvaluateAlerts(in, in_at).empty());
  // Not before week 6.
  AlertInputs early = Base(30);
  const AlertMoment early_at = Moment(30);
  early.pain = Course(Measure::kNprs, 6, {At(10, 6), At(20, 6)});
  EXPECT_TRUE(EvaluateAlerts(early, early_at).empty());
}

// Adherence against a tapering schedule, and an alert whose every field is
// the same whenever it is read within a week.
TEST(AlertsTest, LowAdherenceIsStable) {
  const WeeklySchedule taper = {5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0};
  std::vector<SessionFact> sessions;
  for (int d : {0, 1, 2, 3, 7, 8, 9, 14, 15}) {
    sessions.push_back(Session("s" + std::to_string(d), d));
  }
  const auto at = [&](int today, int hour) {
    AlertInputs in = Base(today);
    AlertMoment moment = Moment(today, hour);
    in.last_home_report = HomeReport{today, moment.now_unix};
    in.pain = Course(Measure::kNprs, 5, {At(1, 5)});
    moment.adherence = ComputeAdherence(sessions, taper, today);
    return EvaluateAlerts(in, moment);
  };
  // Week 0: 4 of 5 (0.8); weeks 0-1: 7 of 10 (0.7, low from week 2's
  // start); weeks 0-2: 9 of 13 (0.69).
  auto monday = at(22, 1), friday = at(26, 23);
  ASSERT_EQ(Kinds(monday), std::vector<AlertKind>{AlertKind::kLowAdherence});
  ASSERT_EQ(monday.size(), friday.size());
  EXPECT_EQ(monday[0].key, friday[0].key);
  EXPECT_EQ(monday[0].summary, friday[0].summary);
  EXPECT_EQ(monday[0].raised_unix_seconds, kStart + 14 * kDay);  // week 2 began it
  ASSERT_EQ(monday[0].evidence.size(), friday[0].evidence.size());
  for (size_t i = 0; i < monday[0].evidence.size(); ++i) {
    EXPECT_EQ(monday[0].evidence[i].value, friday[0].evidence[i].value);
    EXPECT_EQ(monday[0].evidence[i].unix_seconds, friday[0].evidence[i].unix_seconds);
  }
  EXPECT_NEAR(monday[0].evidence[0].value, 9.0 / 13, 1e-12);
  // All of week 0's five: 5 of 5 by week 1's start, no alert then.
  sessions.push_back(Session("s4", 4));
  EXPECT_TRUE(at(8, 12).empty());
}

TEST(AlertsTest, SessionSafetyAndStaleness) {
  AlertInputs in = Base(20);
  const AlertMoment in_at = Moment(20);
  in.pain = Course(Measure::kNprs, 5, {At(12, 4)});
  in.last_home_report = HomeReport{12, At(12, 4).unix_seconds};  // 8 days ago
  const SessionFact stop = Session("s-stop", 18, 1, 0);
  const SessionFact over = Session("s-over", 19, 0, 2);
  const SessionFact old = Session("s-old", 1, 3, 3);  // > 14 days ago
  in.sessions = {old, stop, over};
  // The data decide each alert and its span once; reads pick by time.
  const std::vector<TimedAlert> timed = DataAlerts(in);
  EXPECT_EQ(AlertsAt(in, timed, in_at).size(), 3u);
  EXPECT_EQ(AlertsAt(in, timed, Moment(19 + 14, 0)).size(), 2u);  // the stop: 14 days on
  EXPECT_EQ(AlertsAt(in, timed, Moment(20 + 14, 0)).size(), 1u);  // the overshoot too
  auto alerts = EvaluateAlerts(in, in_at);
  ASSERT_EQ(Kinds(alerts), (std::vector<AlertKind>{AlertKind::kPatientStop,
                                                   AlertKind::kOvershoot,
                                                   AlertKind::kNoHomeReport}));
  EXPECT_EQ(alerts[0].key, "stop:s-stop");
  EXPECT_EQ(alerts[2].severity, Severity::kLow);
  EXPECT_EQ(alerts[2].raised_unix_seconds, At(12, 4).unix_seconds + 7 * kDay);
  EXPECT_EQ(alerts[2].summary, "no home report since day 12");
  // Read two days later: the same alert, word for word.
  auto again = EvaluateAlerts(in, Moment(22));
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[2].summary, alerts[2].summary);
  EXPECT_EQ(again[2].evidence[0].unix_seconds, alerts[2].evidence[0].unix_seconds);
  in.episode_open = false;  // a closed episode raises no staleness alerts
  EXPECT_EQ(EvaluateAlerts(in, in_at).size(), 2u);
}

}  // namespace
}  // namespace tractus::analytics
