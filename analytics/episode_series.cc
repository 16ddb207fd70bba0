#include "analytics/episode_series.h"

#include <algorithm>

namespace tractus::analytics {

int WeekOfDay(int day) { return day >= 0 ? day / 7 : -((-day + 6) / 7); }

std::optional<double> Baseline(const std::vector<DayValue>& series) {
  std::optional<double> last_before;
  for (const DayValue& dv : series) {
    if (dv.day >= -kBaselineLookbackDays && dv.day <= 0) last_before = dv.value;
  }
  if (last_before.has_value()) return last_before;
  for (const DayValue& dv : series) {
    if (dv.day > 0 && dv.day < 7) return dv.value;
  }
  return std::nullopt;
}

double Median(std::vector<double> values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  double lower = *std::max_element(values.begin(), values.begin() + mid);
  return (lower + upper) / 2;
}

std::vector<std::optional<double>> WeeklyMedians(const std::vector<DayValue>& series) {
  std::vector<std::vector<double>> by_week(kEpisodeWeeks);
  for (const DayValue& dv : series) {
    int week = WeekOfDay(dv.day);
    if (week >= 0 && week < kEpisodeWeeks) by_week[week].push_back(dv.value);
  }
  std::vector<std::optional<double>> out(kEpisodeWeeks);
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    if (!by_week[w].empty()) out[w] = Median(std::move(by_week[w]));
  }
  return out;
}

}  // namespace tractus::analytics
