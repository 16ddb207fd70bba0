#include "outcomes/summary_record.h"

namespace tractus::outcomes {

internal::v1::EpisodeSummaryRecord ToRecord(const analytics::EpisodeSummary& s) {
  internal::v1::EpisodeSummaryRecord r;
  if (s.baseline) r.set_baseline(*s.baseline);
  for (int w = 0; w < analytics::kEpisodeWeeks; ++w) {
    if (!s.weekly[w]) continue;
    r.add_weeks(w);
    r.add_weekly(*s.weekly[w]);
  }
  r.set_last_week(s.last_week);
  if (s.first_sustained_response_week) {
    r.set_first_sustained_response_week(*s.first_sustained_response_week);
  }
  r.set_dropped_out(s.dropped_out);
  for (double dose : s.dose_through_week) r.add_dose_through_week(dose);
  r.set_today_day(s.today_day);
  r.set_record_key(s.record_key);
  return r;
}

bool FromRecord(const internal::v1::EpisodeSummaryRecord& r, analytics::EpisodeSummary* s) {
  if (r.weeks_size() != r.weekly_size() ||
      r.dose_through_week_size() != analytics::kEpisodeWeeks) {
    return false;
  }
  *s = analytics::EpisodeSummary{};
  if (r.has_baseline()) s->baseline = r.baseline();
  for (int i = 0; i < r.weeks_size(); ++i) {
    if (r.weeks(i) < 0 || r.weeks(i) >= analytics::kEpisodeWeeks) return false;
    s->weekly[r.weeks(i)] = r.weekly(i);
  }
  s->last_week = r.last_week();
  if (r.has_first_sustained_response_week()) {
    s->first_sustained_response_week = r.first_sustained_response_week();
  }
  s->dropped_out = r.dropped_out();
  for (int w = 0; w < analytics::kEpisodeWeeks; ++w) {
    s->dose_through_week[w] = r.dose_through_week(w);
  }
  s->today_day = r.today_day();
  s->record_key = r.record_key();
  return true;
}

}  // namespace tractus::outcomes
