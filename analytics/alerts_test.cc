#include "analytics/alerts.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1790000000;  // start of day 0

AlertInputs Base(int today) {
  AlertInputs in;
  in.episode_start_unix = kStart;
  in.today_day = today;
  in.now_unix = kStart + today * kDay + 3600;
  in.last_home_report_unix = in.now_unix - kDay;
  return in;
}

PainReport Pain(int day, double value) { return {day, value, kStart + day * kDay + 72000}; }

std::vector<AlertKind> Kinds(const std::vector<Alert>& alerts) {
  std::vector<AlertKind> k;
  for (const Alert& a : alerts) k.push_back(a.kind);
  return k;
}

TEST(AlertsTest, QuietEpisodeHasNone) {
  AlertInputs in = Base(10);
  in.pain = {Pain(0, 6), Pain(3, 5), Pain(7, 4), Pain(9, 4)};
  EXPECT_TRUE(EvaluateAlerts(in).empty());
}

TEST(AlertsTest, WorseningNeedsTwoConsecutiveHighReports) {
  AlertInputs in = Base(10);
  in.pain = {Pain(0, 5), Pain(1, 5), Pain(2, 7)};  // one high report
  EXPECT_TRUE(EvaluateAlerts(in).empty());
  in.pain.push_back(Pain(3, 8));  // a second one: alert
  auto alerts = EvaluateAlerts(in);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kWorsening});
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(alerts[0].raised_unix_seconds, Pain(3, 8).unix_seconds);
  EXPECT_EQ(alerts[0].key, "worsening:" + std::to_string(Pain(2, 7).unix_seconds));
  ASSERT_EQ(alerts[0].evidence.size(), 3u);  // baseline and both reports
  EXPECT_EQ(alerts[0].evidence[0].value, 5);
  EXPECT_EQ(alerts[0].evidence[2].value, 8);
  in.pain.push_back(Pain(4, 9));  // the same run goes on: the same key
  EXPECT_EQ(EvaluateAlerts(in)[0].key, alerts[0].key);
  in.pain.push_back(Pain(5, 5));  // back down: no longer in force
  EXPECT_TRUE(EvaluateAlerts(in).empty());
}

TEST(AlertsTest, NoResponseByWeekSix) {
  AlertInputs in = Base(45);
  for (int d = 0; d <= 44; d += 3) in.pain.push_back(Pain(d, d < 20 ? 6 : 5));
  auto alerts = EvaluateAlerts(in);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kNoResponseByWeek6});
  EXPECT_EQ(alerts[0].raised_unix_seconds, kStart + 42 * kDay);
  // Two consecutive reports 2 below baseline before day 42 prevent it.
  in.pain[5].value = 4;
  in.pain[6].value = 4;
  EXPECT_TRUE(EvaluateAlerts(in).empty());
  // Not before week 6.
  AlertInputs early = Base(30);
  early.pain = {Pain(0, 6), Pain(10, 6), Pain(20, 6)};
  EXPECT_TRUE(EvaluateAlerts(early).empty());
}

TEST(AlertsTest, LowAdherence) {
  AlertInputs in = Base(14);
  in.pain = {Pain(0, 5), Pain(13, 5)};
  std::vector<SessionFact> sessions;
  for (int d : {0, 1, 2, 3, 7, 8, 9}) sessions.push_back({"s" + std::to_string(d), d});
  in.adherence = ComputeAdherence(sessions, 20, 5, 14);
  ASSERT_TRUE(in.adherence.to_date.has_value());
  EXPECT_DOUBLE_EQ(*in.adherence.to_date, 0.7);  // 7 of 10 in weeks 0-1
  auto alerts = EvaluateAlerts(in);
  ASSERT_EQ(Kinds(alerts), std::vector<AlertKind>{AlertKind::kLowAdherence});
  EXPECT_EQ(alerts[0].key, "low-adherence");
}

TEST(AlertsTest, SessionSafetyAndStaleness) {
  AlertInputs in = Base(20);
  in.pain = {Pain(0, 5), Pain(12, 4)};
  in.last_home_report_unix = Pain(12, 4).unix_seconds;  // 8 days ago
  SessionFact stop{"s-stop", 18, kStart + 18 * kDay, true, 1, 0, 1000};
  SessionFact over{"s-over", 19, kStart + 19 * kDay, false, 0, 2, 1000};
  SessionFact old{"s-old", 1, kStart + 1 * kDay, false, 3, 3, 1000};  // > 14 days ago
  in.sessions = {old, stop, over};
  auto alerts = EvaluateAlerts(in);
  ASSERT_EQ(Kinds(alerts), (std::vector<AlertKind>{AlertKind::kPatientStop,
                                                   AlertKind::kOvershoot,
                                                   AlertKind::kNoHomeReport}));
  EXPECT_EQ(alerts[0].key, "stop:s-stop");
  EXPECT_EQ(alerts[2].severity, Severity::kLow);
  EXPECT_EQ(alerts[2].raised_unix_seconds, Pain(12, 4).unix_seconds + 7 * kDay);
  in.episode_open = false;  // a closed episode raises no staleness alerts
  EXPECT_EQ(EvaluateAlerts(in).size(), 2u);
}

}  // namespace
}  // namespace tractus::analytics
