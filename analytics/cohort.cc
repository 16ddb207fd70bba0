#include "analytics/cohort.h"

namespace tractus::analytics {

EpisodeSummary SummarizeEpisode(const MeasureProgress& nprs, bool dropped_out,
                                double dose_newton_seconds) {
  EpisodeSummary s;
  s.baseline = nprs.baseline;
  s.latest = nprs.latest;
  for (const WeekStat& w : nprs.weeks) {
    if (w.week >= 0 && w.week < kEpisodeWeeks) s.weekly[w.week] = w.median;
    if (w.median) s.last_week = w.week;
  }
  s.first_sustained_response_week = nprs.first_sustained_response_week;
  s.responder = nprs.responder.value_or(false);
  s.dropped_out = dropped_out;
  s.dose_newton_seconds = dose_newton_seconds;
  return s;
}

std::string_view BaselineBand(double baseline) {
  if (baseline <= 3) return "mild";
  if (baseline <= 6) return "moderate";
  return "severe";
}

CohortResult ComputeCohort(const std::vector<EpisodeSummary>& episodes) {
  CohortResult r;
  r.episodes = static_cast<int>(episodes.size());
  std::vector<const EpisodeSummary*> analysed;
  for (const EpisodeSummary& e : episodes) {
    if (e.baseline && e.latest && e.last_week > 0) analysed.push_back(&e);
  }
  r.analysed = static_cast<int>(analysed.size());

  int responders = 0;
  for (const EpisodeSummary* e : analysed) responders += e->responder ? 1 : 0;
  if (r.analysed >= kMinCellPatients) {
    r.responder_rate = WilsonInterval(responders, r.analysed);
  } else {
    ++r.suppressed_cells;
  }

  for (int w = 0; w < kEpisodeWeeks; ++w) {
    std::vector<double> values;
    for (const EpisodeSummary* e : analysed) {
      if (e->weekly[w]) values.push_back(*e->weekly[w]);
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

  std::vector<double> dose, improvement;
  for (const EpisodeSummary* e : analysed) {
    dose.push_back(e->dose_newton_seconds);
    improvement.push_back(*e->baseline - *e->latest);
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
