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
    if (course[i].day >= 0 && course[i].day < 7) {
      return BaselinePick{i, BaselineRule::kFirstOfWeek0};
    }
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

namespace {

double SortedMedian(const std::vector<double>& sorted) {
  const size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Median() of a scratch buffer, reordering it instead of copying.
double MedianInPlace(std::vector<double>& values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  return (*std::max_element(values.begin(), values.begin() + mid) + upper) / 2;
}

int KeyOf(const Assessment& a, Grouping grouping) {
  return grouping == Grouping::kDay ? a.day : WeekOfDay(a.day);
}

// The median of course[begin, end), with `scratch` as the buffer.
double RangeMedian(const std::vector<Assessment>& course, size_t begin, size_t end,
                   std::vector<double>& scratch) {
  scratch.clear();
  for (size_t i = begin; i < end; ++i) scratch.push_back(course[i].value);
  return MedianInPlace(scratch);
}

}  // namespace

std::pair<size_t, size_t> AfterDay(const std::vector<Assessment>& course, int day) {
  const int first = std::max(day + 1, 0);
  const int last = kEpisodeWeeks * 7 - 1;
  const auto begin = std::partition_point(course.begin(), course.end(),
                                          [&](const Assessment& a) { return a.day < first; });
  const auto end = std::partition_point(begin, course.end(),
                                        [&](const Assessment& a) { return a.day <= last; });
  return {static_cast<size_t>(begin - course.begin()), static_cast<size_t>(end - course.begin())};
}

std::vector<Group> GroupMedians(const std::vector<Assessment>& course, size_t begin, size_t end,
                                Grouping grouping) {
  std::vector<Group> out;
  std::vector<double> scratch;
  for (size_t i = begin; i < end;) {
    const int key = KeyOf(course[i], grouping);
    size_t j = i + 1;
    while (j < end && KeyOf(course[j], grouping) == key) ++j;
    out.push_back({key, RangeMedian(course, i, j, scratch), i, j});
    i = j;
  }
  return out;
}

std::vector<Group> TrailingRun(const std::vector<Assessment>& course, size_t begin, size_t end,
                               Grouping grouping, const std::function<bool(double)>& bad) {
  std::vector<Group> run;
  std::vector<double> scratch;
  for (size_t j = end; j > begin;) {
    const int key = KeyOf(course[j - 1], grouping);
    size_t i = j - 1;
    while (i > begin && KeyOf(course[i - 1], grouping) == key) --i;
    const double median = RangeMedian(course, i, j, scratch);
    if (!bad(median)) break;
    run.push_back({key, median, i, j});
    j = i;
  }
  std::reverse(run.begin(), run.end());
  return run;
}

std::optional<int64_t> HoldsSince(const std::vector<Assessment>& course, size_t begin, size_t end,
                                  const std::function<bool(double)>& condition) {
  std::vector<double> sorted;
  sorted.reserve(end - begin);
  std::optional<int64_t> since;
  for (size_t i = begin; i < end; ++i) {
    const double v = course[i].value;
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), v), v);
    if (!condition(SortedMedian(sorted))) {
      since.reset();
    } else if (!since) {
      since = course[i].unix_seconds;
    }
  }
  return since;
}

}  // namespace tractus::analytics
