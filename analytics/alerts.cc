#include "analytics/alerts.h"

#include <algorithm>
#include <cstdio>

#include "analytics/measure_progress.h"

namespace tractus::analytics {
namespace {

constexpr int64_t kDay = 24 * 60 * 60;
// Evidence lists stop at this many entries.
constexpr size_t kMaxEvidence = 8;

template <typename... Args>
std::string Fmt(const char* format, Args... args) {
  char buf[240];
  std::snprintf(buf, sizeof(buf), format, args...);
  return buf;
}

// How much worse `value` is than `reference` in the measure's bad
// direction (positive = worse).
double Worse(const MeasureInfo& m, double reference, double value) {
  return m.direction == Direction::kLowerIsBetter ? value - reference : reference - value;
}

// A bad day of a trailing run, and since when it has been bad.
struct BadDay {
  int day;
  double median;
  int64_t since_unix;
};

// The assessment days (each summarized by its median) after the baseline's
// day that satisfy `bad` in an unbroken run ending at the latest one.
std::vector<BadDay> LatestBadDays(const MeasureCourse& c, const std::function<bool(double)>& bad) {
  const auto [begin, end] = AfterDay(c.course, c.baseline_day);
  std::vector<BadDay> run;
  for (const Group& g : TrailingRun(c.course, begin, end, Grouping::kDay, bad)) {
    run.push_back({g.key, g.median, *HoldsSince(c.course, g.begin, g.end, bad)});
  }
  return run;
}

// An alert for a run of at least two bad assessment days: it began when the
// first day turned bad and became true when the second did. In force while
// the data stay so.
void RunAlert(const MeasureCourse& c, const std::vector<BadDay>& run, AlertKind kind,
              Severity severity, const std::string& key_prefix, const std::string& label,
              const std::string& summary, std::vector<TimedAlert>& out) {
  if (run.size() < 2) return;
  Alert alert{kind, severity, key_prefix + ":" + std::to_string(run[0].since_unix), summary,
              {{"baseline", *c.baseline, c.baseline_day, c.baseline_unix}}, run[1].since_unix};
  for (const BadDay& day : run) {
    if (alert.evidence.size() >= kMaxEvidence) break;
    alert.evidence.push_back({label, day.median, day.day, day.since_unix});
  }
  out.push_back({std::move(alert)});
}

// (a) Pain at least the MCID (2 points) above the pre-treatment baseline on
// two consecutive assessment days.
void Worsening(const AlertInputs& in, std::vector<TimedAlert>& out) {
  const MeasureCourse& c = in.pain;
  if (!c.baseline) return;
  const double threshold = *c.baseline + c.measure->mcid_points;
  const auto run = LatestBadDays(c, [&](double v) { return v >= threshold - 1e-9; });
  if (run.size() < 2) return;
  RunAlert(c, run, AlertKind::kWorsening, Severity::kHigh, "worsening", "pain",
           Fmt("pain %.1f and %.1f on consecutive assessment days, at least 2 points above the "
               "pre-treatment baseline of %.0f",
               run[0].median, run[1].median, *c.baseline),
           out);
}

// (c) A baseline of 9 or 10 leaves no room for the worsening rule: pain of
// 10 on two consecutive assessment days.
void Ceiling(const AlertInputs& in, std::vector<TimedAlert>& out) {
  const MeasureCourse& c = in.pain;
  if (!c.baseline || *c.baseline < kCeilingBaseline) return;
  const double top = c.measure->max_value;
  const auto run = LatestBadDays(c, [&](double v) { return v >= top; });
  RunAlert(c, run, AlertKind::kPainAtCeiling, Severity::kHigh, "ceiling", "pain",
           Fmt("pain at %.0f on consecutive assessment days (pre-treatment baseline %.0f)", top,
               c.baseline.value_or(0)),
           out);
}

// (d) ODI or RMDQ at least its MCID points worse than the pre-treatment
// baseline on two consecutive assessment days.
void DisabilityWorsening(const MeasureCourse& c, std::vector<TimedAlert>& out) {
  if (!c.baseline || c.measure->mcid_points <= 0) return;
  const MeasureInfo& m = *c.measure;
  const auto run = LatestBadDays(
      c, [&](double v) { return Worse(m, *c.baseline, v) >= m.mcid_points - 1e-9; });
  if (run.size() < 2) return;
  RunAlert(c, run, AlertKind::kDisabilityWorsening, Severity::kMedium,
           "worsening-" + std::string(m.name), std::string(m.name),
           std::string(m.display_name) +
               Fmt(" %.1f and %.1f on consecutive assessment days, at least %.0f points worse "
                   "than the pre-treatment baseline of %.1f",
                   run[0].median, run[1].median, m.mcid_points, *c.baseline),
           out);
}

// (b) After a response (a weekly median meeting the responder rule), the
// weekly median rises by at least the MCID points above the best weekly
// median since: in force while the latest weeks stay there.
void Relapse(const AlertInputs& in, std::vector<TimedAlert>& out) {
  const MeasureCourse& c = in.pain;
  if (!c.baseline) return;
  const MeasureInfo& m = *c.measure;
  const auto [begin, end] = AfterDay(c.course, c.baseline_day);
  const std::vector<Group> weeks = GroupMedians(c.course, begin, end, Grouping::kWeek);
  size_t responded = weeks.size();
  for (size_t i = 0; i < weeks.size(); ++i) {
    if (MeetsResponderRule(m, *c.baseline, weeks[i].median).value_or(false)) {
      responded = i;
      break;
    }
  }
  if (responded >= weeks.size()) return;
  // Week i relapsed: its median >= MCID worse than the best weekly median of
  // weeks responded..i-1 (returned in *best_at).
  const auto relapsed = [&](size_t i, size_t* best_at) {
    size_t at = responded;
    for (size_t k = responded + 1; k < i; ++k) {
      if (Worse(m, weeks[k].median, weeks[at].median) > 0) at = k;
    }
    *best_at = at;
    return Worse(m, weeks[at].median, weeks[i].median) >= m.mcid_points - 1e-9;
  };
  size_t best_at = 0;
  size_t first = weeks.size();
  while (first > responded + 1 && relapsed(first - 1, &best_at)) --first;
  if (first >= weeks.size()) return;
  relapsed(first, &best_at);
  const double best = weeks[best_at].median;
  // When the first relapsed week's median crossed the line.
  const int64_t since = *HoldsSince(c.course, weeks[first].begin, weeks[first].end, [&](double v) {
    return Worse(m, best, v) >= m.mcid_points - 1e-9;
  });
  const Group& latest = weeks.back();
  Alert alert{AlertKind::kRelapse, Severity::kHigh, "relapse:" + std::to_string(since),
              Fmt("relapse: weekly median pain %.1f in week %d, at least 2 points above the "
                  "best weekly median of %.1f since the response",
                  latest.median, latest.key, best),
              {{"baseline", *c.baseline, c.baseline_day, c.baseline_unix},
               {"best_weekly_median", best, weeks[best_at].key * 7,
                in.week_start_unix[static_cast<size_t>(weeks[best_at].key)]}},
              since};
  for (size_t i = first; i < weeks.size() && alert.evidence.size() < kMaxEvidence; ++i) {
    alert.evidence.push_back({"weekly_median", weeks[i].median, weeks[i].key * 7,
                              in.week_start_unix[static_cast<size_t>(weeks[i].key)]});
  }
  out.push_back({std::move(alert)});
}

// In force from the start of day 42 while the episode is open.
void NoResponse(const AlertInputs& in, std::vector<TimedAlert>& out) {
  const MeasureCourse& c = in.pain;
  if (!c.baseline || !in.episode_open) return;
  // Weekly medians of weeks 0..5 are those of days <= 41: a response
  // confirmed by week 5 is one by day 41.
  const auto sustained = FirstSustainedResponse(*c.measure, *c.baseline, c.baseline_day, c.course);
  if (sustained && sustained->confirmed_week < kNoResponseDay / 7) return;
  Alert alert{AlertKind::kNoResponseByWeek6, Severity::kMedium, "no-response-week-6",
              Fmt("no sustained pain response by week 6 (pre-treatment baseline %.0f)",
                  *c.baseline),
              {{"baseline", *c.baseline, c.baseline_day, c.baseline_unix}},
              in.week_start_unix[kNoResponseDay / 7]};
  const Assessment* last = nullptr;
  for (const Assessment& a : c.course) {
    if (a.day < kNoResponseDay) last = &a;
  }
  if (last != nullptr) {
    alert.evidence.push_back({"pain", last->value, last->day, last->unix_seconds});
  }
  const int64_t from = alert.raised_unix_seconds;
  out.push_back({std::move(alert), from});
}

void LowAdherence(const AlertInputs& in, const AlertMoment& at, std::vector<Alert>& out) {
  const Adherence& a = at.adherence;
  if (!in.episode_open || !a.to_date || *a.to_date >= kAdherenceFloor) return;
  // Adherence to date at the start of week b covers weeks 0..b-1; the alert
  // began at the first week start of the run that is still under the floor.
  const int current = std::clamp(WeekOfDay(at.today_day), 0, kEpisodeWeeks);
  std::vector<int> planned(static_cast<size_t>(current) + 1, 0), done(planned);
  for (int b = 1; b <= current; ++b) {
    planned[b] = planned[b - 1] + a.weeks[b - 1].planned;
    done[b] = done[b - 1] + a.weeks[b - 1].done;
  }
  const auto low = [&](int b) {
    return planned[b] > 0 && static_cast<double>(done[b]) / planned[b] < kAdherenceFloor;
  };
  int first = current;
  while (first > 1 && low(first - 1)) --first;
  Alert alert{AlertKind::kLowAdherence, Severity::kMedium, "low-adherence",
              Fmt("%.0f%% of the sessions scheduled in weeks 0-%d attended (under 75%%)",
                  *a.to_date * 100, current - 1),
              {{"adherence", *a.to_date, current * 7, in.week_start_unix[current]},
               {"planned_to_date", static_cast<double>(a.planned_to_date), current * 7,
                in.week_start_unix[current]}},
              in.week_start_unix[first]};
  out.push_back(alert);
}

// In force for 14 days after the session ended.
void SessionSafety(const AlertInputs& in, std::vector<TimedAlert>& out) {
  for (const SessionFact& s : in.sessions) {
    const int64_t until = s.end_unix + kSessionAlertDays * kDay + 1;
    if (s.patient_stops > 0) {
      out.push_back({{AlertKind::kPatientStop, Severity::kHigh, "stop:" + s.session_id,
                      Fmt("patient pressed the stop switch %d time(s) in a session",
                          s.patient_stops),
                      {{"patient_stops", static_cast<double>(s.patient_stops), s.day, s.end_unix}},
                      s.end_unix},
                     INT64_MIN,
                     until});
    }
    if (s.overshoots > 0) {
      out.push_back({{AlertKind::kOvershoot, Severity::kMedium, "overshoot:" + s.session_id,
                      Fmt("force overshoot %d time(s) in a session", s.overshoots),
                      {{"overshoots", static_cast<double>(s.overshoots), s.day, s.end_unix}},
                      s.end_unix},
                     INT64_MIN,
                     until});
    }
  }
}

// In force 7 days after the last home report (or day 0) while the episode
// is open. One key while the silence lasts; a later silence (after reports
// resumed and the alert cleared) is announced again.
void NoHomeReport(const AlertInputs& in, std::vector<TimedAlert>& out) {
  if (!in.episode_open) return;
  const HomeReport last = in.last_home_report.value_or(HomeReport{0, in.week_start_unix[0]});
  const int64_t from = std::max(last.unix_seconds + kNoReportDays * kDay, in.week_start_unix[0]);
  out.push_back({{AlertKind::kNoHomeReport, Severity::kLow, "no-home-report",
                  in.last_home_report ? Fmt("no home report since day %d", last.day)
                                      : std::string("no home report since the episode started"),
                  {{"last_home_report", static_cast<double>(last.day), last.day,
                    last.unix_seconds}},
                  last.unix_seconds + kNoReportDays * kDay},
                 from});
}

}  // namespace

std::vector<TimedAlert> DataAlerts(const AlertInputs& in) {
  std::vector<TimedAlert> out;
  if (in.pain.measure != nullptr) {
    Worsening(in, out);
    Ceiling(in, out);
    Relapse(in, out);
    NoResponse(in, out);
  }
  for (const MeasureCourse& c : in.disability) DisabilityWorsening(c, out);
  SessionSafety(in, out);
  NoHomeReport(in, out);
  return out;
}

std::vector<Alert> AlertsAt(const AlertInputs& in, const std::vector<TimedAlert>& timed,
                            const AlertMoment& at) {
  std::vector<Alert> out;
  for (const TimedAlert& t : timed) {
    if (at.now_unix >= t.from_unix && at.now_unix < t.until_unix) out.push_back(t.alert);
  }
  LowAdherence(in, at, out);
  std::stable_sort(out.begin(), out.end(), [](const Alert& a, const Alert& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.raised_unix_seconds > b.raised_unix_seconds;
  });
  return out;
}

std::vector<Alert> EvaluateAlerts(const AlertInputs& in, const AlertMoment& at) {
  return AlertsAt(in, DataAlerts(in), at);
}

}  // namespace tractus::analytics
