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

std::optional<SustainedResponse> FirstSustainedResponse(const MeasureInfo& m, double baseline,
                                                        int baseline_day,
                                                        const std::vector<Assessment>& course) {
  if (m.threshold == ThresholdKind::kNone) return std::nullopt;
  const bool daily = m.cadence == Cadence::kDaily;
  const auto [begin, end] = AfterDay(course, baseline_day);
  const std::vector<Group> groups =
      GroupMedians(course, begin, end, daily ? Grouping::kWeek : Grouping::kDay);
  const auto week = [daily](const Group& g) { return daily ? g.key : WeekOfDay(g.key); };
  bool previous = false;
  for (size_t i = 0; i < groups.size(); ++i) {
    const bool qualifies = MeetsResponderRule(m, baseline, groups[i].median).value_or(false);
    if (previous && qualifies) return SustainedResponse{week(groups[i - 1]), week(groups[i])};
    previous = qualifies;
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

  for (int w = 0; w < kEpisodeWeeks; ++w) p.weeks.push_back({w, 0, std::nullopt});
  const auto [window_begin, window_end] = AfterDay(course, -1);
  for (const Group& g : GroupMedians(course, window_begin, window_end, Grouping::kWeek)) {
    p.weeks[g.key] = {g.key, static_cast<int>(g.end - g.begin), g.median};
  }

  if (p.baseline && p.latest) {
    p.change_points = *p.latest - *p.baseline;
    if (*p.baseline != 0) p.change_percent = *p.change_points / std::fabs(*p.baseline) * 100;
    p.improvement =
        m.direction == Direction::kLowerIsBetter ? -*p.change_points : *p.change_points;
    p.responder = MeetsResponderRule(m, *p.baseline, *p.latest);
    if (auto sustained = FirstSustainedResponse(m, *p.baseline,
                                                course[p.baseline_pick->index].day, course)) {
      p.first_sustained_response_week = sustained->week;
      p.sustained_response_confirmed_week = sustained->confirmed_week;
    }
  }
  if (p.latest) {
    if (m.measure == Measure::kNprs) p.recovered = *p.latest == 0;
    if (m.measure == Measure::kRmdq) p.recovered = *p.latest <= 2;
  }
  if (trend == TrendFit::kSkip) return p;
  std::vector<DayValue> treated;  // days >= 0
  for (const Assessment& a : course) {
    if (a.day >= 0) treated.push_back({a.day, a.value});
  }
  p.trend = FitTrend(treated);
  if (p.trend) p.week12 = ProjectAt(*p.trend, treated, 84, m.min_value, m.max_value);
  return p;
}

}  // namespace tractus::analytics
