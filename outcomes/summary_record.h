// The one wire form of a cohort's episode summary (analytics::EpisodeSummary
// as internal::v1::EpisodeSummaryRecord): cross-shard shares and the
// restart snapshot both carry it.
#ifndef TRACTUS_OUTCOMES_SUMMARY_RECORD_H_
#define TRACTUS_OUTCOMES_SUMMARY_RECORD_H_

#include "analytics/cohort.h"
#include "tractus/internal/v1/outcome_records.pb.h"

namespace tractus::outcomes {

internal::v1::EpisodeSummaryRecord ToRecord(const analytics::EpisodeSummary& s);

// False when the record is malformed (weeks out of range, columns of
// different lengths): only different code could have made it.
bool FromRecord(const internal::v1::EpisodeSummaryRecord& r, analytics::EpisodeSummary* s);

}  // namespace tractus::outcomes

#endif  // TRACTUS_OUTCOMES_SUMMARY_RECORD_H_
