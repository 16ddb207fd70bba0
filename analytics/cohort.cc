#include "analytics/cohort.h"

#include <algorithm>

namespace tractus::analytics {

EpisodeSummary SummarizeEpisode(const MeasureProgress& nprs, bool dropped_out,
                                const std::vector<CourseDose>& sessions) {
  EpisodeSummary s;
  s.baseline = nprs.baseline;
  for (const WeekStat& w : nprs.weeks) {
    if (w.week >= 0 && w.week < kEpisodeWeeks) s.weekly[w.week] = w.median;
    if (w.median) s.last_week = w.week;
  }
  s.first_sustained_response_week = nprs.first_sustained_response_week;
  s.dropped_out = dropped_out;
  for (const CourseDose& d : sessions) {
    const int w = std::max(0, WeekOfDay(d.day));
    if (w < kEpisodeWeeks) s.dose_through_week[w] += d.newton_seconds;
  }
  for (int w = 1; w < kEpisodeWeeks; ++w) s.dose_through_week[w] += s.dose_through_week[w - 1];
  return s;
}

bool ReachedWeek(const EpisodeSummary& e, int week) { return e.today_day >= 7 * (week + 1); }

std::string_view BaselineBand(double baseline) {
  if (baseline <= 3) return "mild";
  if (baseline <= 6) return "moderate";
  return "severe";
}

namespace {

const MeasureInfo& Nprs() { return *FindMeasure(static_cast<int>(Measure::kNprs)); }

bool RespondedAt(const EpisodeSummary& e, int week) {
  return e.weekly[week] && MeetsResponderRule(Nprs(), *e.baseline, *e.weekly[week]).value_or(false);
}

ResponderRateAtWeek RateAt(const std::vector<const EpisodeSummary*>& analysed, int week,
                           int& suppressed_cells) {
  ResponderRateAtWeek r{week, 0, std::nullopt, 0, std::nullopt};
  int responders = 0;
  for (const EpisodeSummary* e : analysed) {
    if (!ReachedWeek(*e, week)) continue;
    ++r.itt_patients;
    if (e->weekly[week]) ++r.per_protocol_patients;
    if (RespondedAt(*e, week)) ++responders;
  }
  if (r.per_protocol_patients >= kMinCellPatients) {
    r.per_protocol = WilsonInterval(responders, r.per_protocol_patients);
  } else {
    r.per_protocol_patients = 0;
    ++suppressed_cells;
  }
  if (r.itt_patients >= kMinCellPatients) {
    r.intention_to_treat = WilsonInterval(responders, r.itt_patients);
  } else {
    r.itt_patients = 0;
    ++suppressed_cells;
  }
  return r;
}

// Week 12 when enough episodes have a value then; otherwise the latest week
// every analysed episode has reached (-1: none).
int DoseResponseWeek(const std::vector<const EpisodeSummary*>& analysed) {
  const int last = kEpisodeWeeks - 1;
  int at_last = 0;
  int common = last;
  for (const EpisodeSummary* e : analysed) {
    if (ReachedWeek(*e, last) && e->weekly[last]) ++at_last;
    common = std::min(common, e->today_day / 7 - 1);
  }
  return at_last >= kMinCellPatients ? last : common;
}

}  // namespace

CohortResult ComputeCohort(const std::vector<EpisodeSummary>& episodes) {
  CohortResult r;
  r.episodes = static_cast<int>(episodes.size());
  std::vector<const EpisodeSummary*> analysed;
  for (const EpisodeSummary& e : episodes) {
    if (!e.baseline) continue;
    analysed.push_back(&e);
    if (e.dropped_out) ++r.dropped_out;
  }
  r.analysed = static_cast<int>(analysed.size());

  for (int week : kResponderWeeks) {
    r.responder_rates.push_back(RateAt(analysed, week, r.suppressed_cells));
  }

  for (int w = 0; w < kEpisodeWeeks; ++w) {
    std::vector<double> values;
    for (const EpisodeSummary* e : analysed) {
      if (ReachedWeek(*e, w) && e->weekly[w]) values.push_back(*e->weekly[w]);
    }
    CohortWeekStats stats{w, static_cast<int>(values.size()), false, std::nullopt, std::nullopt};
    if (stats.patients < kMinCellPatients) {
      stats.suppressed = true;
      stats.patients = 0;
      ++r.suppressed_cells;
    } else {
      stats.mean = MeanInterval(values);
      stats.median = MedianInterval(values);
    }
    r.weeks.push_back(stats);
  }

  std::vector<TimeToEvent> times;
  for (const EpisodeSummary* e : analysed) {
    if (e->first_sustained_response_week) {
      times.push_back({*e->first_sustained_response_week, true});
    } else {
      times.push_back({e->last_week, false});  // drop-out or no response yet
    }
  }
  for (const KaplanMeierStep& step : KaplanMeier(times)) {
    if (step.at_risk >= kMinCellPatients) {
      r.time_to_response.push_back(step);
    } else {
      ++r.suppressed_cells;
    }
  }

  r.dose_response_week = DoseResponseWeek(analysed);
  std::vector<double> dose, improvement;
  if (r.dose_response_week >= 0) {
    const int w = r.dose_response_week;
    for (const EpisodeSummary* e : analysed) {
      if (!ReachedWeek(*e, w) || !e->weekly[w]) continue;
      dose.push_back(e->dose_through_week[w]);
      improvement.push_back(*e->baseline - *e->weekly[w]);
    }
  }
  r.dose_response_patients = static_cast<int>(dose.size());
  if (r.dose_response_patients >= kMinCellPatients) {
    r.dose_response = Spearman(dose, improvement);
  } else {
    r.dose_response_patients = 0;
    ++r.suppressed_cells;
  }
  return r;
}

std::vector<ExpectedWeek> ExpectedTrajectory(const std::vector<EpisodeSummary>& similar) {
  std::vector<ExpectedWeek> out;
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    double sum = 0;
    int n = 0;
    for (const EpisodeSummary& e : similar) {
      if (e.baseline && e.weekly[w]) {
        sum += *e.weekly[w] - *e.baseline;
        ++n;
      }
    }
    if (n >= kMinCellPatients) out.push_back({w, n, sum / n});
  }
  return out;
}

}  // namespace tractus::analytics
