// Alerts a clinician acts on (DESIGN.md; rules in docs/outcomes.md):
// worsening against the pre-treatment baseline, relapse after a response,
// pain stuck at the top of the scale, disability worsening, no response by
// week 6, adherence under 75 % of the schedule, patient stops or
// overshoots in a session, no home report for 7 days. Pure functions.
//
// Stable: an alert's key, summary, evidence and raise time depend only on
// the data (and, for the time-based alerts, on the week or day boundary
// that made them true), never on the moment of asking; the time can only
// decide whether an alert is in force. So the data decide everything but
// that span once (DataAlerts, when the data change), and a read only picks
// the alerts in force (AlertsAt).
#ifndef TRACTUS_ANALYTICS_ALERTS_H_
#define TRACTUS_ANALYTICS_ALERTS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/course.h"
#include "analytics/episode_series.h"
#include "analytics/instruments.h"

namespace tractus::analytics {

// DO NOT CHANGE THESE VALUES: they match tractus.v1.AlertKind and are stored.
enum class AlertKind {
  kWorsening = 1,
  kNoResponseByWeek6 = 2,
  kLowAdherence = 3,
  kPatientStop = 4,
  kOvershoot = 5,
  kNoHomeReport = 6,
  kRelapse = 7,
  kPainAtCeiling = 8,
  kDisabilityWorsening = 9,
};

// DO NOT CHANGE THESE VALUES: they match tractus.v1.AlertSeverity.
enum class Severity { kLow = 1, kMedium = 2, kHigh = 3 };

struct Evidence {
  std::string label;  // e.g. "pain", "baseline", "adherence"
  double value = 0;
  int day = 0;
  int64_t unix_seconds = 0;
};

struct Alert {
  AlertKind kind;
  Severity severity;
  // Stable while the condition lasts (it names the condition, not its
  // changing evidence), e.g. "worsening:<when it began>", "low-adherence".
  std::string key;
  std::string summary;  // one line for the clinician
  std::vector<Evidence> evidence;
  int64_t raised_unix_seconds = 0;  // when the data made it true
};

// One measure's course as the alert rules read it.
struct MeasureCourse {
  const MeasureInfo* measure = nullptr;
  std::vector<Assessment> course;  // by time; never a post-session value
  std::optional<double> baseline;  // the pre-treatment baseline
  int baseline_day = 0;
  int64_t baseline_unix = 0;
};

struct HomeReport {
  int day;
  int64_t unix_seconds;
};

// The episode's data, as the alert rules read it.
struct AlertInputs {
  // The start of each episode week 0..13 (of day 7w) in the clinic's zone.
  std::array<int64_t, kEpisodeWeeks + 1> week_start_unix{};
  bool episode_open = true;
  MeasureCourse pain;                      // NPRS
  std::vector<MeasureCourse> disability;   // ODI and RMDQ, when recorded
  std::optional<HomeReport> last_home_report;  // any home-reported measure
  std::vector<SessionFact> sessions;       // finalized, in start order
};

// The moment alerts are read at.
struct AlertMoment {
  int64_t now_unix = 0;
  int today_day = 0;     // episode day of `now_unix`
  Adherence adherence;   // ComputeAdherence at `today_day`
};

// An alert the data make, and when it is in force: from `from_unix`
// (inclusive) until `until_unix` (exclusive).
struct TimedAlert {
  Alert alert;
  int64_t from_unix = INT64_MIN;
  int64_t until_unix = INT64_MAX;
};

inline constexpr int kNoResponseDay = 42;
inline constexpr double kAdherenceFloor = 0.75;
inline constexpr int kNoReportDays = 7;
// Session safety alerts look back this far.
inline constexpr int kSessionAlertDays = 14;
// Pain at the top of the scale with a baseline at least this high: the
// worsening rule (baseline + 2) cannot fire there.
inline constexpr double kCeilingBaseline = 9;

// Every alert the data make, with its span in force (all but low
// adherence, which follows the calendar week by week). The costly part:
// compute it when the data change.
std::vector<TimedAlert> DataAlerts(const AlertInputs& in);

// The alerts in force at `at`: those of `timed` (DataAlerts of `in`) in
// force then, and low adherence; most severe first, then most recent.
std::vector<Alert> AlertsAt(const AlertInputs& in, const std::vector<TimedAlert>& timed,
                            const AlertMoment& at);

// AlertsAt(in, DataAlerts(in), at).
std::vector<Alert> EvaluateAlerts(const AlertInputs& in, const AlertMoment& at);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_ALERTS_H_
