// ComputeProgress: records -> analytics inputs -> the EpisodeProgress view.
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "absl/time/civil_time.h"
#include "analytics/alerts.h"
#include "analytics/course.h"
#include "analytics/measure_progress.h"
#include "device_gateway/console_pain.h"
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
    if (p.trend->ci_low_per_week) t->set_ci_low_per_week(*p.trend->ci_low_per_week);
    if (p.trend->ci_high_per_week) t->set_ci_high_per_week(*p.trend->ci_high_per_week);
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
  v1::ResponderRule* rule = out.mutable_responder_rule();
  rule->set_kind(static_cast<v1::ThresholdKind>(m.threshold));
  rule->set_points(m.mcid_points);
  rule->set_percent(m.mcid_percent);
  out.set_sustained_rule(m.cadence == analytics::Cadence::kDaily
                             ? v1::SUSTAINED_RULE_WEEKLY_MEDIANS
                             : v1::SUSTAINED_RULE_ASSESSMENT_DAYS);
  return out;
}

// An episode's data as the outcome rules read it: per measure the course
// (assessments in time order, without any table's post-session pain, and
// the observations they came from), the finalized sessions, when the first
// traction session started, and the last home report.
struct MeasureSeries {
  std::vector<analytics::Assessment> course;
  std::vector<const v1::Observation*> observations;  // parallel to `course`
};
struct EpisodeCourse {
  std::map<int, MeasureSeries> measures;  // by tractus.v1.Instrument
  std::vector<analytics::SessionFact> sessions;  // finalized, in start order
  std::optional<int64_t> first_treatment_unix;  // any session, finalized or not
  std::optional<int64_t> last_home_report_unix;
  int last_home_report_day = 0;
};

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

// The plan's sessions per episode week: its weekly_sessions, or
// sessions_per_week until sessions_planned are used up.
analytics::WeeklySchedule ScheduleOf(const v1::TreatmentPlan& plan) {
  if (plan.weekly_sessions().empty()) {
    return analytics::EvenSchedule(plan.sessions_planned(), plan.sessions_per_week());
  }
  analytics::WeeklySchedule schedule{};
  for (int w = 0; w < plan.weekly_sessions_size() && w < analytics::kEpisodeWeeks; ++w) {
    schedule[w] = plan.weekly_sessions(w);
  }
  return schedule;
}

// With `only_instrument`, `measures` holds that instrument only. The
// observations point into `data`, which must outlive the result.
// REQUIRES: data.observations by instrument, then time (as EpisodeData
// holds them), so each measure's course is one run, in time order.
EpisodeCourse ReadCourse(const Outcomes::EpisodeData& data, std::optional<int> only_instrument) {
  EpisodeCourse c;
  records::DayCounter days(data.zone, records::ToCivilDay(data.episode.start_date()));
  // A table's post-session pain is the session's immediate effect, never an
  // assessment of the course.
  std::set<std::string> post_session;
  for (const v1::Session& s : data.sessions) {
    const int64_t start = absl::ToUnixSeconds(FromProto(s.start_time()));
    c.first_treatment_unix = std::min(c.first_treatment_unix.value_or(start), start);
    if (s.has_post_session_pain()) {
      post_session.insert(device_gateway::ConsolePainObservationId(
          s.session_id(), device_gateway::ConsolePhase::kPost));
    }
    if (!s.finalized()) continue;
    analytics::SessionFact f;
    f.session_id = s.session_id();
    f.day = days.DayOf(FromProto(s.start_time()));
    f.end_unix = start + s.summary().duration().seconds();
    f.aborted = s.outcome() == v1::SESSION_OUTCOME_ABORTED;
    f.patient_stops = s.summary().patient_stops();
    f.overshoots = s.summary().overshoots();
    f.dose_newton_seconds = s.summary().traction_dose_newton_seconds();
    if (s.has_pre_session_pain()) f.pre_pain = s.pre_session_pain();
    if (s.has_post_session_pain()) f.post_pain = s.post_session_pain();
    c.sessions.push_back(std::move(f));
  }
  MeasureSeries* m = nullptr;  // of the current instrument (they come grouped)
  for (size_t i = 0; i < data.observations.size(); ++i) {
    const v1::Observation& o = data.observations[i];
    const absl::Time time = FromProto(o.effective_time());
    const int64_t t = absl::ToUnixSeconds(time);
    const bool home = o.source() == v1::SOURCE_HOME;
    if ((only_instrument && o.instrument() != *only_instrument) ||
        (o.source() == v1::SOURCE_DEVICE && o.instrument() == v1::INSTRUMENT_NPRS &&
         post_session.count(o.observation_id()) > 0)) {
      if (home && t > c.last_home_report_unix.value_or(INT64_MIN)) {
        c.last_home_report_unix = t;
        c.last_home_report_day = days.DayOf(time);
      }
      continue;
    }
    const int day = days.DayOf(time);
    if (home && t > c.last_home_report_unix.value_or(INT64_MIN)) {
      c.last_home_report_unix = t;
      c.last_home_report_day = day;
    }
    if (m == nullptr || m->observations.back()->instrument() != o.instrument()) {
      size_t run = i + 1;
      while (run < data.observations.size() &&
             data.observations[run].instrument() == o.instrument()) {
        ++run;
      }
      m = &c.measures[o.instrument()];
      m->course.reserve(run - i);
      m->observations.reserve(run - i);
    }
    m->course.push_back({day, o.value(), t});
    m->observations.push_back(&o);
  }
  return c;
}

}  // namespace

analytics::EpisodeSummary SummarizeForCohort(const Outcomes::EpisodeData& data) {
  const analytics::MeasureInfo& nprs =
      *analytics::FindMeasure(static_cast<int>(analytics::Measure::kNprs));
  const EpisodeCourse course = ReadCourse(data, v1::INSTRUMENT_NPRS);
  std::vector<analytics::CourseDose> doses;
  for (const analytics::SessionFact& f : course.sessions) {
    doses.push_back({f.day, f.dose_newton_seconds});
  }
  const auto pain = course.measures.find(v1::INSTRUMENT_NPRS);
  const std::vector<analytics::Assessment> none;
  const v1::Episode& e = data.episode;
  const bool dropped = e.state() == v1::EPISODE_STATE_CLOSED &&
                       e.close_reason() != v1::CLOSE_REASON_COMPLETED;
  return analytics::SummarizeEpisode(
      analytics::ComputeMeasureProgress(
          nprs, pain == course.measures.end() ? none : pain->second.course,
          course.first_treatment_unix, analytics::TrendFit::kSkip),
      dropped, doses);
}

void CompareWithSimilar(const analytics::SimilarReference& similar,
                        v1::EpisodeProgress& progress) {
  const std::vector<analytics::ExpectedWeek>& expected = similar.expected;
  const v1::MeasureProgress* pain = nullptr;
  for (const auto& m : progress.measures()) {
    if (m.instrument() == v1::INSTRUMENT_NPRS) pain = &m;
  }
  if (pain == nullptr || !pain->has_baseline() || progress.episode().conditions().empty()) return;
  v1::SimilarPatients* out = progress.mutable_similar_patients();
  out->set_condition(static_cast<v1::Condition>(progress.episode().conditions(0)));
  out->set_baseline_band(std::string(analytics::BaselineBand(pain->baseline())));
  out->set_similar_episodes(similar.episodes.value_or(0));
  out->set_sufficient(similar.episodes.has_value() && !expected.empty());
  *out->mutable_disclosure() =
      DisclosureOf(similar.episodes ? std::vector<std::string>{}
                                    : std::vector<std::string>{"similar_episodes"});
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
  analytics::AlertInputs& alerts = basis.alerts;
  EpisodeCourse course = ReadCourse(data, std::nullopt);

  for (auto& [instrument, series] : course.measures) {
    const analytics::MeasureInfo* m = analytics::FindMeasure(instrument);
    if (m == nullptr) continue;
    const analytics::MeasureProgress p =
        analytics::ComputeMeasureProgress(*m, series.course, course.first_treatment_unix, trend);
    v1::MeasureProgress* mp = out.add_measures();
    *mp = ToProtoProgress(p, *m);
    analytics::MeasureCourse mc{m, std::move(series.course), p.baseline, 0, 0};
    if (p.baseline_pick) {
      const analytics::Assessment& b = mc.course[p.baseline_pick->index];
      const v1::Observation& o = *series.observations[p.baseline_pick->index];
      v1::BaselineSource* source = mp->mutable_baseline_source();
      source->set_rule(static_cast<v1::BaselineRule>(p.baseline_pick->rule));
      source->set_observation_id(o.observation_id());
      source->set_day(b.day);
      *source->mutable_time() = o.effective_time();
      mc.baseline_day = b.day;
      mc.baseline_unix = b.unix_seconds;
    }
    if (m->measure == analytics::Measure::kNprs) {
      alerts.pain = std::move(mc);
    } else if (m->measure == analytics::Measure::kOdi || m->measure == analytics::Measure::kRmdq) {
      alerts.disability.push_back(std::move(mc));
    }
  }
  if (alerts.pain.measure == nullptr) {
    alerts.pain.measure = analytics::FindMeasure(static_cast<int>(analytics::Measure::kNprs));
  }
  if (course.last_home_report_unix) {
    alerts.last_home_report =
        analytics::HomeReport{course.last_home_report_day, *course.last_home_report_unix};
  }

  // The course: finalized sessions.
  v1::CourseProgress* progress = out.mutable_course();
  for (const analytics::SessionFact& f : course.sessions) {
    progress->set_patient_stops(progress->patient_stops() + f.patient_stops);
    progress->set_overshoots(progress->overshoots() + f.overshoots);
    progress->set_aborted_sessions(progress->aborted_sessions() + (f.aborted ? 1 : 0));
  }
  const analytics::ImmediateEffect effect = analytics::ComputeImmediateEffect(course.sessions);
  v1::ImmediateEffect* immediate = progress->mutable_immediate_effect();
  for (const analytics::SessionEffect& e : effect.sessions) {
    v1::SessionPainChange* change = immediate->add_sessions();
    change->set_session_id(e.session_id);
    change->set_day(e.day);
    change->set_pre_session_pain(e.pre);
    change->set_post_session_pain(e.post);
  }
  if (effect.mean_relief) immediate->set_mean_relief(*effect.mean_relief);
  alerts.sessions = std::move(course.sessions);

  const absl::CivilDay day0 = records::ToCivilDay(episode.start_date());
  for (size_t w = 0; w < alerts.week_start_unix.size(); ++w) {
    alerts.week_start_unix[w] =
        absl::ToUnixSeconds(absl::FromCivil(day0 + 7 * static_cast<int>(w), data.zone));
  }
  alerts.episode_open = episode.state() == v1::EPISODE_STATE_OPEN;
  basis.data_alerts = analytics::DataAlerts(alerts);
  return basis;
}

size_t ProgressBasis::Bytes() const {
  size_t n = sizeof(*this) + view.SpaceUsedLong() +
             alerts.pain.course.capacity() * sizeof(analytics::Assessment) +
             alerts.sessions.capacity() * sizeof(analytics::SessionFact);
  for (const analytics::MeasureCourse& c : alerts.disability) {
    n += sizeof(c) + c.course.capacity() * sizeof(analytics::Assessment);
  }
  for (const analytics::TimedAlert& t : data_alerts) {
    n += sizeof(t) + t.alert.key.capacity() + t.alert.summary.capacity() +
         t.alert.evidence.capacity() * sizeof(analytics::Evidence);
  }
  for (const analytics::SessionFact& f : alerts.sessions) n += f.session_id.capacity();
  return n;
}

v1::EpisodeProgress FinishProgress(const ProgressBasis& basis, absl::Time now) {
  v1::EpisodeProgress out = basis.view;
  const v1::Episode& episode = out.episode();
  const int today = DayOf(now, episode, basis.zone);
  out.set_today_day(today);
  out.set_current_week(analytics::WeekOfDay(today));

  analytics::AlertMoment at{absl::ToUnixSeconds(now), today,
                            analytics::ComputeAdherence(basis.alerts.sessions,
                                                        ScheduleOf(episode.plan()), today)};
  const analytics::Adherence& adherence = at.adherence;
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

  for (const analytics::Alert& a : analytics::AlertsAt(basis.alerts, basis.data_alerts, at)) {
    *out.add_alerts() = ToProtoAlert(a, episode);
  }
  return out;
}

v1::EpisodeProgress ComputeProgress(const Outcomes::EpisodeData& data, absl::Time now,
                                    analytics::TrendFit trend) {
  return FinishProgress(PrepareProgress(data, trend), now);
}

}  // namespace tractus::outcomes
