#include "analytics/course.h"

#include <algorithm>

#include "analytics/episode_series.h"

namespace tractus::analytics {

Adherence ComputeAdherence(const std::vector<SessionFact>& sessions, int planned,
                           int per_week, int today_day) {
  Adherence a;
  a.planned = planned;
  a.done = static_cast<int>(sessions.size());
  a.overall = planned > 0 ? static_cast<double>(a.done) / planned : 0;
  const int current_week = WeekOfDay(today_day);
  int remaining = planned;
  int done_to_date = 0;
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    WeekAdherence wa{w, 0, std::max(0, std::min(per_week, remaining))};
    remaining -= wa.planned;
    for (const SessionFact& s : sessions) {
      if (WeekOfDay(s.day) == w) ++wa.done;
    }
    if (w < current_week) {
      a.planned_to_date += wa.planned;
      done_to_date += wa.done;
    }
    a.weeks.push_back(wa);
  }
  // Sessions before day 0 count toward the first week's attendance.
  for (const SessionFact& s : sessions) {
    if (s.day < 0 && current_week > 0) ++done_to_date;
    a.dose_newton_seconds += s.dose_newton_seconds;
  }
  if (a.planned_to_date > 0) {
    a.to_date = std::min(1.0, static_cast<double>(done_to_date) / a.planned_to_date);
  }
  return a;
}

}  // namespace tractus::analytics
