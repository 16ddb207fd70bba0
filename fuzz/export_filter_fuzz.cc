// Export requests from analysts: validation never crashes, and a request
// it accepts has the shape the export job relies on (k in range, dates in
// order, known measures and conditions).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "analytics/instruments.h"
#include "exports/export_request.h"
#include "records/civil_date.h"

using namespace tractus;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v1::StartExportRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return 0;
  Violations v;
  exports::CheckStartExport(req, v);
  if (!v.empty()) return 0;
  if (req.k() != 0 && (req.k() < 2 || req.k() > 100)) std::abort();
  for (int i : req.filter().instruments()) {
    if (analytics::FindMeasure(i) == nullptr) std::abort();
  }
  const auto& f = req.filter();
  if (f.has_start_from() && f.has_start_to() &&
      records::ToCivilDay(f.start_to()) < records::ToCivilDay(f.start_from())) {
    std::abort();
  }
  return 0;
}
