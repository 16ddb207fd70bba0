// An exported episode's figures — its course and, per measure, its 12-week
// outcome — by column name, as the release shows them (with count bands:
// counts banded, adherence to one decimal, dose to two significant
// digits). The CSV writes them as episodes.csv's columns, the FHIR writer
// as Observations coded in the outcome code system. Pure.
#ifndef TRACTUS_EXPORTS_EPISODE_FIGURES_H_
#define TRACTUS_EXPORTS_EPISODE_FIGURES_H_

#include <optional>
#include <string>
#include <vector>

#include "exports/dataset.h"

namespace tractus::exports {

struct Figure {
  std::string column;            // an episodes.csv column name
  std::optional<double> number;  // unset: NULL
  std::optional<bool> flag;      // the *_responder columns
  std::string band;              // a count's band (with count bands), else empty
};

// episodes.csv's columns from days_observed on, in schema order:
// days_observed, the course, per measure baseline .. responder, then the
// five *_band columns. `e.progress` must be set.
std::vector<Figure> EpisodeFigures(const ExportedEpisode& e,
                                   const v1::ExportCoarsening& coarsening);

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_EPISODE_FIGURES_H_
