#include "exports/episode_figures.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "analytics/instruments.h"
#include "exports/acquaintance.h"

namespace tractus::exports {

std::vector<Figure> EpisodeFigures(const ExportedEpisode& e,
                                   const v1::ExportCoarsening& coarsening) {
  const v1::EpisodeProgress& p = *e.progress;
  const bool bands = coarsening.count_bands();
  std::vector<Figure> out;
  const auto number = [&](std::string column, std::optional<double> v) {
    out.push_back({std::move(column), v, std::nullopt, ""});
  };
  // Exact counts, or (with count bands) NULL here and banded at the end.
  const std::pair<const char*, int64_t> counts[] = {
      {"days_observed", e.today_day},
      {"sessions_planned", p.course().sessions_planned()},
      {"sessions_done", p.course().sessions_done()},
      {"patient_stops", p.course().patient_stops()},
      {"overshoots", p.course().overshoots()}};
  const auto count = [&](int i) {
    number(counts[i].first,
           bands ? std::nullopt : std::optional(static_cast<double>(counts[i].second)));
  };
  count(0);
  count(1);
  count(2);
  const double adherence = p.course().adherence_overall();
  number("adherence", bands ? std::round(adherence * 10) / 10 : adherence);
  const double dose = std::round(p.course().traction_dose_newton_seconds());
  number("traction_dose_ns", bands ? RoundSignificant(dose, 2) : dose);
  count(3);
  count(4);
  for (const analytics::MeasureInfo& m : analytics::AllMeasures()) {
    const std::string name(m.name);
    const v1::MeasureProgress* mp = nullptr;
    for (const v1::MeasureProgress& candidate : p.measures()) {
      if (static_cast<int>(candidate.instrument()) == static_cast<int>(m.measure)) mp = &candidate;
    }
    const auto week = [&](int w) -> std::optional<double> {
      if (mp == nullptr) return std::nullopt;
      for (const v1::WeekSummary& s : mp->weeks()) {
        if (s.week() == w && s.has_median()) return s.median();
      }
      return std::nullopt;
    };
    const bool has = mp != nullptr;
    number(name + "_baseline",
           has && mp->has_baseline() ? std::optional(mp->baseline()) : std::nullopt);
    for (int w : {4, 8, 12}) number(absl::StrCat(name, "_week", w), week(w));
    number(name + "_change",
           has && mp->has_change_points() ? std::optional(mp->change_points()) : std::nullopt);
    number(name + "_change_pct",
           has && mp->has_change_percent() ? std::optional(mp->change_percent()) : std::nullopt);
    out.push_back({name + "_responder", std::nullopt,
                   has && mp->has_responder() ? std::optional(mp->responder()) : std::nullopt, ""});
  }
  // The bands, in the schema's order (sessions_planned, sessions_done,
  // days_observed, patient_stops, overshoots).
  for (int i : {1, 2, 0, 3, 4}) {
    out.push_back({absl::StrCat(counts[i].first, "_band"), std::nullopt, std::nullopt,
                   bands ? CountBand(counts[i].second) : ""});
  }
  return out;
}

}  // namespace tractus::exports
