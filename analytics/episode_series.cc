#include "analytics/episode_series.h"

#include <algorithm>

namespace tractus::analytics {

int WeekOfDay(int day) { return day >= 0 ? day / 7 : -((-day + 6) / 7); }

std::optional<BaselinePick> PickBaseline(const std::vector<Assessment>& course,
                                         std::optional<int64_t> first_treatment_unix) {
  std::optional<BaselinePick> pick;
  for (size_t i = 0; i < course.size(); ++i) {
    const Assessment& a = course[i];
    const bool pre_treatment = !first_treatment_unix || a.unix_seconds <= *first_treatment_unix;
    if (a.day >= -kBaselineLookbackDays && a.day <= 0 && pre_treatment) {
      pick = BaselinePick{i, BaselineRule::kPreTreatment};
    }
  }
  if (pick) return pick;
  for (size_t i = 0; i < course.size(); ++i) {
    if (course[i].day >= 0 && course[i].day < 7) return BaselinePick{i, BaselineRule::kFirstOfWeek0};
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

std::vector<std::optional<double>> WeeklyMedians(const std::vector<Assessment>& course) {
  std::vector<std::vector<double>> by_week(kEpisodeWeeks);
  for (const Assessment& a : course) {
    const int week = WeekOfDay(a.day);
    if (week >= 0 && week < kEpisodeWeeks) by_week[week].push_back(a.value);
  }
  std::vector<std::optional<double>> out(kEpisodeWeeks);
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    if (!by_week[w].empty()) out[w] = Median(std::move(by_week[w]));
  }
  return out;
}

namespace {

double SortedMedian(const std::vector<double>& sorted) {
  const size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// When the median of the prefixes of `group` (in time order) last came to
// satisfy `condition` and kept satisfying it to the end.
std::optional<int64_t> HoldsSince(const std::vector<const Assessment*>& group,
                                  const std::function<bool(double)>& condition) {
  std::vector<double> sorted;
  sorted.reserve(group.size());
  std::optional<int64_t> since;
  for (const Assessment* a : group) {
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), a->value), a->value);
    if (!condition(SortedMedian(sorted))) {
      since.reset();
    } else if (!since) {
      since = a->unix_seconds;
    }
  }
  return since;
}

}  // namespace

std::vector<Summary> Summarize(const std::vector<Assessment>& course,
                               const std::function<int(const Assessment&)>& key_of,
                               const std::function<bool(double)>& condition) {
  std::vector<std::pair<int, const Assessment*>> keyed;
  keyed.reserve(course.size());
  for (const Assessment& a : course) keyed.emplace_back(key_of(a), &a);
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Summary> out;
  std::vector<const Assessment*> group;
  std::vector<double> values;
  for (size_t i = 0; i < keyed.size();) {
    const int key = keyed[i].first;
    group.clear();
    values.clear();
    for (; i < keyed.size() && keyed[i].first == key; ++i) {
      group.push_back(keyed[i].second);
      values.push_back(keyed[i].second->value);
    }
    Summary s{key, Median(values), group.front()->unix_seconds, std::nullopt};
    if (condition(s.median)) s.holds_since_unix = HoldsSince(group, condition);
    out.push_back(s);
  }
  return out;
}

}  // namespace tractus::analytics
