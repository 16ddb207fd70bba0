// Validation of StartExportRequest (pure; the only producer of
// INVALID_ARGUMENT for export jobs). Fuzzed by fuzz/export_filter_fuzz.cc.
#ifndef TRACTUS_EXPORTS_EXPORT_REQUEST_H_
#define TRACTUS_EXPORTS_EXPORT_REQUEST_H_

#include "common/errors.h"
#include "tractus/v1/export.pb.h"

namespace tractus::exports {

// Adds a violation per bad field: request_id, format, k (0 or 2..100),
// linkage_key ([a-z0-9-]{1,64}), filter.clinic_ids[i], filter.conditions[i],
// filter.instruments[i], filter.start_from / start_to (calendar dates, in
// order).
void CheckStartExport(const v1::StartExportRequest& req, Violations& v);

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_EXPORT_REQUEST_H_
