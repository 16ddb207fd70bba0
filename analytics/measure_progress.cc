#include "analytics/measure_progress.h"

#include <cmath>

namespace tractus::analytics {

std::optional<bool> MeetsResponderRule(const MeasureInfo& m, double baseline, double value) {
  if (m.mcid_points <= 0 && m.mcid_percent <= 0) return std::nullopt;
  const double improvement =
      m.direction == Direction::kLowerIsBetter ? baseline - value : value - baseline;
  if (m.mcid_points > 0 && improvement >= m.mcid_points - 1e-9) return true;
  if (m.mcid_percent > 0 && baseline != 0 &&
      improvement / std::fabs(baseline) * 100 >= m.mcid_percent - 1e-9) {
    return true;
  }
  return false;
}

MeasureProgress ComputeMeasureProgress(const MeasureInfo& m, const std::vector<DayValue>& series,
                                       TrendFit trend) {
  MeasureProgress p;
  p.measure = m.measure;
  p.count = static_cast<int>(series.size());
  p.baseline = Baseline(series);
  if (!series.empty()) {
    p.latest = series.back().value;
    p.latest_day = series.back().day;
  }

  std::vector<std::vector<double>> by_week(kEpisodeWeeks);
  std::vector<DayValue> treated;  // day >= 0
  for (const DayValue& dv : series) {
    const int w = WeekOfDay(dv.day);
    if (w >= 0 && w < kEpisodeWeeks) by_week[w].push_back(dv.value);
    if (dv.day >= 0) treated.push_back(dv);
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
    // Two consecutive qualifying values after the baseline day.
    for (size_t i = 0; i + 1 < treated.size(); ++i) {
      if (treated[i].day <= 0) continue;
      auto a = MeetsResponderRule(m, *p.baseline, treated[i].value);
      auto b = MeetsResponderRule(m, *p.baseline, treated[i + 1].value);
      if (a.value_or(false) && b.value_or(false)) {
        p.first_sustained_response_week = WeekOfDay(treated[i].day);
        break;
      }
    }
  }
  if (p.latest) {
    if (m.measure == Measure::kNprs) p.recovered = *p.latest == 0;
    if (m.measure == Measure::kRmdq) p.recovered = *p.latest <= 2;
  }
  if (trend == TrendFit::kSkip) return p;
  p.trend = FitTrend(treated);
  if (p.trend) {
    p.week12 = ProjectAt(*p.trend, treated, 84, m.min_value, m.max_value);
  }
  return p;
}

}  // namespace tractus::analytics
