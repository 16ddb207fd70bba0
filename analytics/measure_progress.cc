#include "analytics/measure_progress.h"

#include <cmath>

namespace tractus::analytics {

std::optional<bool> MeetsResponderRule(const MeasureInfo& m, double baseline, double value) {
  if (m.threshold == ThresholdKind::kNone) return std::nullopt;
  const double improvement =
      m.direction == Direction::kLowerIsBetter ? baseline - value : value - baseline;
  if (m.mcid_points > 0 && improvement >= m.mcid_points - 1e-9) return true;
  if (m.mcid_percent > 0 && baseline != 0 &&
      improvement / std::fabs(baseline) * 100 >= m.mcid_percent - 1e-9) {
    return true;
  }
  return false;
}

std::optional<int> FirstSustainedResponse(const MeasureInfo& m, double baseline,
                                          int baseline_day,
                                          const std::vector<Assessment>& course, int last_day) {
  if (m.threshold == ThresholdKind::kNone) return std::nullopt;
  std::vector<Assessment> after;
  for (const Assessment& a : course) {
    if (a.day > baseline_day && a.day >= 0 && a.day <= last_day &&
        WeekOfDay(a.day) < kEpisodeWeeks) {
      after.push_back(a);
    }
  }
  const bool daily = m.cadence == Cadence::kDaily;
  const std::vector<Summary> summaries = Summarize(
      after, [daily](const Assessment& a) { return daily ? WeekOfDay(a.day) : a.day; },
      [&](double v) { return MeetsResponderRule(m, baseline, v).value_or(false); });
  for (size_t i = 0; i + 1 < summaries.size(); ++i) {
    if (summaries[i].holds_since_unix && summaries[i + 1].holds_since_unix) {
      return daily ? summaries[i].key : WeekOfDay(summaries[i].key);
    }
  }
  return std::nullopt;
}

MeasureProgress ComputeMeasureProgress(const MeasureInfo& m, const std::vector<Assessment>& course,
                                       std::optional<int64_t> first_treatment_unix,
                                       TrendFit trend) {
  MeasureProgress p;
  p.measure = m.measure;
  p.count = static_cast<int>(course.size());
  p.baseline_pick = PickBaseline(course, first_treatment_unix);
  if (p.baseline_pick) p.baseline = course[p.baseline_pick->index].value;
  if (!course.empty()) {
    p.latest = course.back().value;
    p.latest_day = course.back().day;
  }

  std::vector<std::vector<double>> by_week(kEpisodeWeeks);
  std::vector<DayValue> treated;  // day >= 0
  for (const Assessment& a : course) {
    const int w = WeekOfDay(a.day);
    if (w >= 0 && w < kEpisodeWeeks) by_week[w].push_back(a.value);
    if (a.day >= 0) treated.push_back({a.day, a.value});
  }
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    WeekStat stat{w, static_cast<int>(by_week[w].size()), std::nullopt};
    if (!by_week[w].empty()) stat.median = Median(by_week[w]);
    p.weeks.push_back(stat);
  }

  if (p.baseline && p.latest) {
    p.change_points = *p.latest - *p.baseline;
    if (*p.baseline != 0) p.change_percent = *p.change_points / std::fabs(*p.baseline) * 100;
    p.improvement =
        m.direction == Direction::kLowerIsBetter ? -*p.change_points : *p.change_points;
    p.responder = MeetsResponderRule(m, *p.baseline, *p.latest);
    p.first_sustained_response_week =
        FirstSustainedResponse(m, *p.baseline, course[p.baseline_pick->index].day, course);
  }
  if (p.latest) {
    if (m.measure == Measure::kNprs) p.recovered = *p.latest == 0;
    if (m.measure == Measure::kRmdq) p.recovered = *p.latest <= 2;
  }
  if (trend == TrendFit::kSkip) return p;
  p.trend = FitTrend(treated);
  if (p.trend) p.week12 = ProjectAt(*p.trend, treated, 84, m.min_value, m.max_value);
  return p;
}

}  // namespace tractus::analytics
