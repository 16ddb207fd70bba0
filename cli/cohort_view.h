// `tractus cohort`: prints a cohort's outcomes (suppressed cells shown as
// such) as a short report.
#ifndef TRACTUS_CLI_COHORT_VIEW_H_
#define TRACTUS_CLI_COHORT_VIEW_H_

#include <ostream>

#include "tractus/v1/outcomes.pb.h"

namespace tractus::cli {

void PrintCohort(const v1::CohortOutcomes& c, std::ostream& out);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_COHORT_VIEW_H_
