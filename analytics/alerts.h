// Alerts a clinician acts on (DESIGN.md): worsening pain, no response by
// week 6, adherence under 75 %, patient stops or overshoots in a session,
// no home report for 7 days. Evaluated from the episode's data and the
// current time — a pure function, re-run whenever data arrives or is read.
// Each alert has a stable key, so a caller can tell new alerts from ones
// already raised.
#ifndef TRACTUS_ANALYTICS_ALERTS_H_
#define TRACTUS_ANALYTICS_ALERTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/course.h"

namespace tractus::analytics {

// DO NOT CHANGE THESE VALUES: they match tractus.v1.AlertKind and are stored.
enum class AlertKind {
  kWorsening = 1,
  kNoResponseByWeek6 = 2,
  kLowAdherence = 3,
  kPatientStop = 4,
  kOvershoot = 5,
  kNoHomeReport = 6,
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
  // changing evidence), e.g. "worsening:<first report>", "low-adherence".
  std::string key;
  std::string summary;  // one line for the clinician
  std::vector<Evidence> evidence;
  int64_t raised_unix_seconds = 0;  // when the data made it true
};

// A pain report (any source) in time order.
struct PainReport {
  int day;
  double value;
  int64_t unix_seconds;
};

struct AlertInputs {
  int64_t now_unix = 0;
  int64_t episode_start_unix = 0;  // start of day 0
  int today_day = 0;
  bool episode_open = true;
  std::vector<PainReport> pain;                 // NPRS, sorted by time
  std::optional<int64_t> last_home_report_unix;  // any home-reported measure
  std::vector<SessionFact> sessions;            // finalized, in start order
  Adherence adherence;
};

inline constexpr double kWorseningPoints = 2;
inline constexpr int kNoResponseDay = 42;
inline constexpr double kAdherenceFloor = 0.75;
inline constexpr int kNoReportDays = 7;
// Session safety alerts look back this far.
inline constexpr int kSessionAlertDays = 14;

// Alerts in force, most severe first.
std::vector<Alert> EvaluateAlerts(const AlertInputs& in);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_ALERTS_H_
