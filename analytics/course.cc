#include "analytics/course.h"

#include <algorithm>

namespace tractus::analytics {

WeeklySchedule EvenSchedule(int planned, int per_week) {
  WeeklySchedule schedule{};
  int remaining = planned;
  for (int& week : schedule) {
    week = std::max(0, std::min(per_week, remaining));
    remaining -= week;
  }
  return schedule;
}

Adherence ComputeAdherence(const std::vector<SessionFact>& sessions,
                           const WeeklySchedule& schedule, int today_day) {
  Adherence a;
  for (int planned : schedule) a.planned += planned;
  a.done = static_cast<int>(sessions.size());
  a.overall = a.planned > 0 ? static_cast<double>(a.done) / a.planned : 0;
  const int current_week = WeekOfDay(today_day);
  for (int w = 0; w < kEpisodeWeeks; ++w) a.weeks.push_back({w, 0, schedule[w]});
  for (const SessionFact& s : sessions) {
    const int w = std::max(0, WeekOfDay(s.day));
    if (w < kEpisodeWeeks) ++a.weeks[w].done;
    if (w < current_week) ++a.done_to_date;
    a.dose_newton_seconds += s.dose_newton_seconds;
  }
  for (int w = 0; w < std::min(current_week, kEpisodeWeeks); ++w) {
    a.planned_to_date += schedule[w];
  }
  if (a.planned_to_date > 0) {
    a.to_date = std::min(1.0, static_cast<double>(a.done_to_date) / a.planned_to_date);
  }
  return a;
}

ImmediateEffect ComputeImmediateEffect(const std::vector<SessionFact>& sessions) {
  ImmediateEffect out;
  double sum = 0;
  for (const SessionFact& s : sessions) {
    if (!s.pre_pain || !s.post_pain) continue;
    out.sessions.push_back({s.session_id, s.day, *s.pre_pain, *s.post_pain});
    sum += *s.pre_pain - *s.post_pain;
  }
  if (!out.sessions.empty()) out.mean_relief = sum / static_cast<double>(out.sessions.size());
  return out;
}

}  // namespace tractus::analytics
