// An SVG chart of an episode's pain (NPRS) and disability (ODI) over weeks
// 0-12: the baseline, the MCID threshold band, weekly medians, the
// Theil-Sen trend line with its week-12 projection, session marks and alert
// markers. Pure: progress in, SVG text out.
#ifndef TRACTUS_CLI_PROGRESS_CHART_H_
#define TRACTUS_CLI_PROGRESS_CHART_H_

#include <string>
#include <vector>

#include "tractus/v1/outcomes.pb.h"

namespace tractus::cli {

// `session_days`: episode days of the traction sessions.
std::string RenderProgressSvg(const v1::EpisodeProgress& progress,
                              const std::vector<int>& session_days);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_PROGRESS_CHART_H_
