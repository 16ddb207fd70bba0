// ComputeProgress: records -> analytics inputs -> the EpisodeProgress view.
#include <map>

#include "absl/time/civil_time.h"
#include "analytics/alerts.h"
#include "analytics/course.h"
#include "analytics/measure_progress.h"
#include "outcomes/outcomes.h"
#include "records/civil_date.h"
#include "records/time_proto.h"

namespace tractus::outcomes {
namespace {

using records::FromProto;
using records::ToProto;

int DayOf(absl::Time t, const v1::Episode& episode, const absl::TimeZone& zone) {
  return static_cast<int>(absl::ToCivilDay(t, zone) - records::ToCivilDay(episode.start_date()));
}

v1::MeasureProgress ToProtoProgress(const analytics::MeasureProgress& p,
                                    const analytics::MeasureInfo& m) {
  v1::MeasureProgress out;
  out.set_instrument(static_cast<v1::Instrument>(m.measure));
  out.set_unit(std::string(m.ucum_unit));
  out.set_count(p.count);
  if (p.baseline) out.set_baseline(*p.baseline);
  if (p.latest) out.set_latest(*p.latest);
  out.set_latest_day(p.latest_day);
  if (p.change_points) out.set_change_points(*p.change_points);
  if (p.change_percent) out.set_change_percent(*p.change_percent);
  if (p.responder) out.set_responder(*p.responder);
  if (p.recovered) out.set_recovered(*p.recovered);
  for (const analytics::WeekStat& w : p.weeks) {
    v1::WeekSummary* ws = out.add_weeks();
    ws->set_week(w.week);
    ws->set_count(w.count);
    if (w.median) ws->set_median(*w.median);
  }
  if (p.trend) {
    v1::TrendSummary* t = out.mutable_trend();
    t->set_points(p.trend->points);
    t->set_theil_sen_per_week(p.trend->theil_sen_per_week);
    t->set_ci_low_per_week(p.trend->ci_low_per_week);
    t->set_ci_high_per_week(p.trend->ci_high_per_week);
    t->set_ols_per_week(p.trend->ols_per_week);
  }
  if (p.week12) {
    out.set_week12_projection(p.week12->value);
    out.set_week12_low(p.week12->low);
    out.set_week12_high(p.week12->high);
  }
  if (p.first_sustained_response_week) {
    out.set_first_sustained_response_week(*p.first_sustained_response_week);
  }
  return out;
}

v1::Alert ToProtoAlert(const analytics::Alert& a, const v1::Episode& episode) {
  v1::Alert out;
  out.set_kind(static_cast<v1::AlertKind>(a.kind));
  out.set_severity(static_cast<v1::AlertSeverity>(a.severity));
  out.set_key(a.key);
  out.set_summary(a.summary);
  for (const analytics::Evidence& e : a.evidence) {
    v1::AlertEvidence* ev = out.add_evidence();
    ev->set_label(e.label);
    ev->set_value(e.value);
    ev->set_day(e.day);
    if (e.unix_seconds != 0) *ev->mutable_time() = ToProto(absl::FromUnixSeconds(e.unix_seconds));
  }
  *out.mutable_raise_time() = ToProto(absl::FromUnixSeconds(a.raised_unix_seconds));
  out.set_episode_id(episode.episode_id());
  out.set_patient_id(episode.patient_id());
  return out;
}

}  // namespace

// The episode's NPRS values by day, sorted by day.
std::vector<analytics::DayValue> PainSeries(const Outcomes::EpisodeData& data) {
  std::vector<analytics::DayValue> pain;
  records::DayCounter days(data.zone, records::ToCivilDay(data.episode.start_date()));
  for (const v1::Observation& o : data.observations) {
    if (o.instrument() != v1::INSTRUMENT_NPRS) continue;
    pain.push_back({days.DayOf(FromProto(o.effective_time())), o.value()});
  }
  std::stable_sort(pain.begin(), pain.end(),
                   [](const auto& a, const auto& b) { return a.day < b.day; });
  return pain;
}

analytics::EpisodeSummary SummarizeForCohort(const Outcomes::EpisodeData& data) {
  const analytics::MeasureInfo& nprs =
      *analytics::FindMeasure(static_cast<int>(analytics::Measure::kNprs));
  double dose = 0;
  for (const v1::Session& s : data.sessions) {
    if (s.finalized()) dose += s.summary().traction_dose_newton_seconds();
  }
  const v1::Episode& e = data.episode;
  const bool dropped = e.state() == v1::EPISODE_STATE_CLOSED &&
                       e.close_reason() != v1::CLOSE_REASON_COMPLETED;
  return analytics::SummarizeEpisode(
      analytics::ComputeMeasureProgress(nprs, PainSeries(data), analytics::TrendFit::kSkip),
      dropped, dose);
}

void CompareWithSimilar(const std::vector<analytics::ExpectedWeek>& expected, int similar,
                        v1::EpisodeProgress& progress) {
  const v1::MeasureProgress* pain = nullptr;
  for (const auto& m : progress.measures()) {
    if (m.instrument() == v1::INSTRUMENT_NPRS) pain = &m;
  }
  if (pain == nullptr || !pain->has_baseline() || progress.episode().conditions().empty()) return;
  v1::SimilarPatients* out = progress.mutable_similar_patients();
  out->set_condition(static_cast<v1::Condition>(progress.episode().conditions(0)));
  out->set_baseline_band(std::string(analytics::BaselineBand(pain->baseline())));
  out->set_similar_episodes(similar);
  out->set_sufficient(similar >= analytics::kMinCellPatients && !expected.empty());
  if (!out->sufficient()) return;
  for (const analytics::ExpectedWeek& w : expected) {
    v1::ExpectedChange* e = out->add_expected();
    e->set_week(w.week);
    e->set_patients(w.patients);
    e->set_mean_change(w.mean_change);
  }
  // The residual at the latest week that has both a weekly median and an
  // expectation.
  for (auto w = pain->weeks().rbegin(); w != pain->weeks().rend(); ++w) {
    if (!w->has_median()) continue;
    for (const analytics::ExpectedWeek& e : expected) {
      if (e.week != w->week()) continue;
      out->set_residual((w->median() - pain->baseline()) - e.mean_change);
      out->set_residual_week(w->week());
      return;
    }
  }
}

ProgressBasis PrepareProgress(const Outcomes::EpisodeData& data, analytics::TrendFit trend) {
  const v1::Episode& episode = data.episode;
  ProgressBasis basis;
  basis.zone = data.zone;
  v1::EpisodeProgress& out = basis.view;
  *out.mutable_episode() = episode;

  // Measures: one series per instrument (observations come by instrument,
  // then time).
  std::map<int, std::vector<analytics::DayValue>> series;
  analytics::AlertInputs& alerts = basis.alerts;
  records::DayCounter days(data.zone, records::ToCivilDay(episode.start_date()));
  for (const v1::Observation& o : data.observations) {
    const absl::Time t = FromProto(o.effective_time());
    const int day = days.DayOf(t);
    series[o.instrument()].push_back({day, o.value()});
    if (o.instrument() == v1::INSTRUMENT_NPRS) {
      alerts.pain.push_back({day, o.value(), absl::ToUnixSeconds(t)});
    }
    if (o.source() == v1::SOURCE_HOME) {
      alerts.last_home_report_unix =
          std::max(alerts.last_home_report_unix.value_or(0), absl::ToUnixSeconds(t));
    }
  }
  for (auto& [instrument, values] : series) {
    const analytics::MeasureInfo* m = analytics::FindMeasure(instrument);
    if (m == nullptr) continue;
    std::stable_sort(values.begin(), values.end(),
                     [](const auto& a, const auto& b) { return a.day < b.day; });
    *out.add_measures() =
        ToProtoProgress(analytics::ComputeMeasureProgress(*m, values, trend), *m);
  }
  std::stable_sort(alerts.pain.begin(), alerts.pain.end(),
                   [](const auto& a, const auto& b) { return a.unix_seconds < b.unix_seconds; });

  // The course: finalized sessions.
  v1::CourseProgress* course = out.mutable_course();
  for (const v1::Session& s : data.sessions) {
    if (!s.finalized()) continue;
    const absl::Time start = FromProto(s.start_time());
    analytics::SessionFact f;
    f.session_id = s.session_id();
    f.day = days.DayOf(start);
    f.end_unix = absl::ToUnixSeconds(start) + s.summary().duration().seconds();
    f.aborted = s.outcome() == v1::SESSION_OUTCOME_ABORTED;
    f.patient_stops = s.summary().patient_stops();
    f.overshoots = s.summary().overshoots();
    f.dose_newton_seconds = s.summary().traction_dose_newton_seconds();
    course->set_patient_stops(course->patient_stops() + f.patient_stops);
    course->set_overshoots(course->overshoots() + f.overshoots);
    course->set_aborted_sessions(course->aborted_sessions() + (f.aborted ? 1 : 0));
    alerts.sessions.push_back(f);
  }
  alerts.episode_start_unix =
      absl::ToUnixSeconds(records::StartOfDay(episode.start_date(), data.zone));
  alerts.episode_open = episode.state() == v1::EPISODE_STATE_OPEN;
  return basis;
}

size_t ProgressBasis::Bytes() const {
  size_t n = sizeof(*this) + view.SpaceUsedLong() +
             alerts.pain.capacity() * sizeof(analytics::PainReport) +
             alerts.sessions.capacity() * sizeof(analytics::SessionFact);
  for (const analytics::SessionFact& f : alerts.sessions) n += f.session_id.capacity();
  return n;
}

v1::EpisodeProgress FinishProgress(const ProgressBasis& basis, absl::Time now) {
  v1::EpisodeProgress out = basis.view;
  const v1::Episode& episode = out.episode();
  const int today = DayOf(now, episode, basis.zone);
  out.set_today_day(today);
  out.set_current_week(analytics::WeekOfDay(today));

  analytics::AlertInputs alerts = basis.alerts;
  const analytics::Adherence adherence = analytics::ComputeAdherence(
      alerts.sessions, episode.plan().sessions_planned(), episode.plan().sessions_per_week(),
      today);
  v1::CourseProgress* course = out.mutable_course();
  course->set_sessions_done(adherence.done);
  course->set_sessions_planned(adherence.planned);
  course->set_planned_to_date(adherence.planned_to_date);
  course->set_adherence_overall(adherence.overall);
  if (adherence.to_date) course->set_adherence_to_date(*adherence.to_date);
  for (const analytics::WeekAdherence& w : adherence.weeks) {
    v1::WeekAdherence* wa = course->add_weeks();
    wa->set_week(w.week);
    wa->set_done(w.done);
    wa->set_planned(w.planned);
  }
  course->set_traction_dose_newton_seconds(adherence.dose_newton_seconds);

  alerts.now_unix = absl::ToUnixSeconds(now);
  alerts.today_day = today;
  alerts.adherence = adherence;
  for (const analytics::Alert& a : analytics::EvaluateAlerts(alerts)) {
    *out.add_alerts() = ToProtoAlert(a, episode);
  }
  return out;
}

v1::EpisodeProgress ComputeProgress(const Outcomes::EpisodeData& data, absl::Time now,
                                    analytics::TrendFit trend) {
  return FinishProgress(PrepareProgress(data, trend), now);
}

}  // namespace tractus::outcomes
