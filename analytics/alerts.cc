#include "analytics/alerts.h"

#include <algorithm>
#include <cstdio>

#include "analytics/episode_series.h"
#include "analytics/instruments.h"
#include "analytics/measure_progress.h"

namespace tractus::analytics {
namespace {

constexpr int64_t kDay = 24 * 60 * 60;

std::string Fmt(const char* format, double a, double b = 0) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), format, a, b);
  return buf;
}

void Worsening(const AlertInputs& in, std::optional<double> baseline, std::vector<Alert>& out) {
  if (!baseline || in.pain.empty()) return;
  const auto high = [&](const PainReport& r) {
    return r.day > 0 && r.value >= *baseline + kWorseningPoints;
  };
  // The run of high reports that the latest report ends: once pain comes
  // back down, the alert is no longer in force.
  size_t first = in.pain.size();
  while (first > 0 && high(in.pain[first - 1])) --first;
  if (in.pain.size() - first < 2) return;
  const PainReport& a = in.pain[first];
  const PainReport& b = in.pain[first + 1];
  Alert alert{AlertKind::kWorsening, Severity::kHigh,
              "worsening:" + std::to_string(a.unix_seconds),
              Fmt("pain %.0f and %.0f on consecutive reports", a.value, b.value) +
                  Fmt(", at least 2 points above the baseline of %.0f", *baseline),
              {{"baseline", *baseline, 0, 0}},
              b.unix_seconds};
  for (size_t i = first; i < in.pain.size() && alert.evidence.size() < 6; ++i) {
    alert.evidence.push_back({"pain", in.pain[i].value, in.pain[i].day, in.pain[i].unix_seconds});
  }
  out.push_back(alert);
}

void NoResponse(const AlertInputs& in, std::optional<double> baseline, std::vector<Alert>& out) {
  if (!baseline || in.today_day < kNoResponseDay || !in.episode_open) return;
  const MeasureInfo& nprs = *FindMeasure(static_cast<int>(Measure::kNprs));
  bool responded = false;
  std::optional<PainReport> last_by_week6;
  for (size_t i = 0; i < in.pain.size(); ++i) {
    if (in.pain[i].day > kNoResponseDay) break;
    last_by_week6 = in.pain[i];
    if (in.pain[i].day <= 0 || i + 1 >= in.pain.size() || in.pain[i + 1].day > kNoResponseDay) {
      continue;
    }
    responded |= MeetsResponderRule(nprs, *baseline, in.pain[i].value).value_or(false) &&
                 MeetsResponderRule(nprs, *baseline, in.pain[i + 1].value).value_or(false);
  }
  if (responded) return;
  Alert alert{AlertKind::kNoResponseByWeek6, Severity::kMedium, "no-response-week-6",
              Fmt("no sustained pain response by week 6 (baseline %.0f)", *baseline),
              {{"baseline", *baseline, 0, 0}},
              in.episode_start_unix + kNoResponseDay * kDay};
  if (last_by_week6) {
    alert.evidence.push_back(
        {"pain", last_by_week6->value, last_by_week6->day, last_by_week6->unix_seconds});
  }
  out.push_back(alert);
}

void LowAdherence(const AlertInputs& in, std::vector<Alert>& out) {
  if (!in.episode_open || !in.adherence.to_date || *in.adherence.to_date >= kAdherenceFloor) {
    return;
  }
  const int week = WeekOfDay(in.today_day);
  // One key while adherence stays low: it is one condition, not one per week.
  Alert alert{AlertKind::kLowAdherence, Severity::kMedium, "low-adherence",
              Fmt("%.0f%% of planned sessions attended so far (under 75%%)",
                  *in.adherence.to_date * 100),
              {{"adherence", *in.adherence.to_date, in.today_day, in.now_unix},
               {"planned_to_date", static_cast<double>(in.adherence.planned_to_date), 0, 0}},
              in.episode_start_unix + int64_t{week} * 7 * kDay};
  out.push_back(alert);
}

void SessionSafety(const AlertInputs& in, std::vector<Alert>& out) {
  for (const SessionFact& s : in.sessions) {
    if (s.end_unix < in.now_unix - kSessionAlertDays * kDay) continue;
    if (s.patient_stops > 0) {
      out.push_back({AlertKind::kPatientStop, Severity::kHigh, "stop:" + s.session_id,
                     Fmt("patient pressed the stop switch %.0f time(s) in a session",
                         s.patient_stops),
                     {{"patient_stops", static_cast<double>(s.patient_stops), s.day, s.end_unix}},
                     s.end_unix});
    }
    if (s.overshoots > 0) {
      out.push_back({AlertKind::kOvershoot, Severity::kMedium, "overshoot:" + s.session_id,
                     Fmt("force overshoot %.0f time(s) in a session", s.overshoots),
                     {{"overshoots", static_cast<double>(s.overshoots), s.day, s.end_unix}},
                     s.end_unix});
    }
  }
}

void NoHomeReport(const AlertInputs& in, std::vector<Alert>& out) {
  if (!in.episode_open || in.today_day < 0) return;
  const int64_t last = in.last_home_report_unix.value_or(in.episode_start_unix);
  if (in.now_unix - last < kNoReportDays * kDay) return;
  // One key while the silence lasts; a later silence (after reports
  // resumed and the alert cleared) is announced again.
  out.push_back({AlertKind::kNoHomeReport, Severity::kLow, "no-home-report",
                 Fmt("no home report for %.0f days", (in.now_unix - last) / kDay),
                 {{"days_without_report", static_cast<double>((in.now_unix - last) / kDay),
                   in.today_day, last}},
                 last + kNoReportDays * kDay});
}

}  // namespace

std::vector<Alert> EvaluateAlerts(const AlertInputs& in) {
  std::vector<DayValue> series;
  for (const PainReport& r : in.pain) series.push_back({r.day, r.value});
  const std::optional<double> baseline = Baseline(series);
  std::vector<Alert> out;
  Worsening(in, baseline, out);
  NoResponse(in, baseline, out);
  LowAdherence(in, out);
  SessionSafety(in, out);
  NoHomeReport(in, out);
  std::stable_sort(out.begin(), out.end(), [](const Alert& a, const Alert& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.raised_unix_seconds > b.raised_unix_seconds;
  });
  return out;
}

}  // namespace tractus::analytics
