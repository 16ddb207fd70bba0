// What an acquaintance could know of a patient besides the
// quasi-identifiers — how many sessions they had, which measures they
// reported, on how many days — and how often a release singles a subject
// out on it (the manifest's uniqueness shares), with the coarser forms the
// export's coarsening options show. Pure.
#ifndef TRACTUS_EXPORTS_ACQUAINTANCE_H_
#define TRACTUS_EXPORTS_ACQUAINTANCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tractus/v1/export.pb.h"

namespace tractus::exports {

// A count in a band: "0", "1-4", "5-9", "10-14", ..., "35-39", "40+".
std::string CountBand(int64_t n);

// `v` rounded to `digits` significant digits (0 stays 0).
double RoundSignificant(double v, int digits);

// One exported episode as an acquaintance could know it.
struct KnownFacts {
  uint64_t subject = 0;          // the subject (any stable hash of it)
  uint64_t quasi_class = 0;      // its equivalence class (any stable hash)
  int64_t sessions_done = 0;
  int64_t measures = 0;          // distinct measures with an exported value
  int64_t days_measured = 0;     // distinct episode days with one or a session
  int64_t weeks_measured = 0;    // distinct episode weeks with one or a session
};

// The shares of subjects unique on (quasi-identifiers + known), for known =
// sessions done; + measures; + days measured: exact, and as released under
// `coarsening` (sessions in CountBand bands with count_bands; weeks for days
// with days_as_weeks). A subject is unique when one of its episodes' values
// is held by no other subject. 0 for an empty release.
std::vector<v1::UniquenessRisk> UniquenessShares(const std::vector<KnownFacts>& episodes,
                                                 const v1::ExportCoarsening& coarsening);

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_ACQUAINTANCE_H_
