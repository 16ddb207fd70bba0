// Basic views of one measure over an episode: the pre-treatment baseline
// rule, weekly medians and per-day summaries (docs/outcomes.md). Pure
// functions.
#ifndef TRACTUS_ANALYTICS_EPISODE_SERIES_H_
#define TRACTUS_ANALYTICS_EPISODE_SERIES_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace tractus::analytics {

// Weeks 0..12 of the 12-week window; day 84 opens week 12.
inline constexpr int kEpisodeWeeks = 13;
// The baseline looks back this many days before day 0.
inline constexpr int kBaselineLookbackDays = 14;

// One value on an episode day (day 0 = episode start in the clinic's zone;
// negative = before the start).
struct DayValue {
  int day;
  double value;
};

// One assessment of a measure: its episode day, value and instant.
// "Course" series hold the assessments that outcome rules read: never a
// table's post-session pain (that is the session's immediate effect).
struct Assessment {
  int day;
  double value;
  int64_t unix_seconds;
};

// The week of `day`: floor(day / 7); negative days give negative weeks.
int WeekOfDay(int day);

enum class BaselineRule {
  // The last value of days -14..0 recorded no later than the start of the
  // first traction session (all of them while no session has started).
  kPreTreatment = 1,
  // None of those: the first value of week 0 (days 0..6).
  kFirstOfWeek0 = 2,
};

struct BaselinePick {
  size_t index;  // into the course series
  BaselineRule rule;
};

// The pre-treatment baseline of a course series (DESIGN.md), or nullopt.
// `first_treatment_unix`: when the episode's first traction session
// started; nullopt while none has.
// REQUIRES: `course` sorted by time.
std::optional<BaselinePick> PickBaseline(const std::vector<Assessment>& course,
                                         std::optional<int64_t> first_treatment_unix);

// The median of `values` (mean of the middle two when even).
// REQUIRES: !values.empty().
double Median(std::vector<double> values);

// How a course is read in groups: by episode day or by week.
enum class Grouping { kDay, kWeek };

// A run of assessments with the same day (or week), course[begin, end).
struct Group {
  int key;  // the day or week
  double median;
  size_t begin;
  size_t end;
};

// The indices [begin, end) of the course assessments after `day`, within the
// 12-week window (days >= 0, weeks <= 12). REQUIRES: `course` sorted by time.
std::pair<size_t, size_t> AfterDay(const std::vector<Assessment>& course, int day);

// The groups of course[begin, end), in order. REQUIRES: `course` sorted by
// time (so each day or week is one run).
std::vector<Group> GroupMedians(const std::vector<Assessment>& course, size_t begin, size_t end,
                                Grouping grouping);

// The groups at the end of course[begin, end) whose medians all satisfy
// `bad`, in order (empty when the last group's does not). Only those groups
// are summarized.
std::vector<Group> TrailingRun(const std::vector<Assessment>& course, size_t begin, size_t end,
                               Grouping grouping, const std::function<bool(double)>& bad);

// The time of the data that made `condition` true of a group: the earliest
// assessment of course[begin, end) after which the median of every longer
// prefix (in time order) satisfies it; nullopt if the whole range's median
// does not.
std::optional<int64_t> HoldsSince(const std::vector<Assessment>& course, size_t begin, size_t end,
                                  const std::function<bool(double)>& condition);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_EPISODE_SERIES_H_
