#include "exports/export_request.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "analytics/instruments.h"
#include "common/ids.h"
#include "records/civil_date.h"
#include "records/validation.h"

namespace tractus::exports {
namespace {

bool IsLinkageName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

void CheckStartExport(const v1::StartExportRequest& req, Violations& v) {
  records::CheckClientId("request_id", req.request_id(), v);
  if (req.format() != v1::EXPORT_FORMAT_CSV && req.format() != v1::EXPORT_FORMAT_FHIR_NDJSON) {
    v.Add("format", "required: EXPORT_FORMAT_CSV or EXPORT_FORMAT_FHIR_NDJSON");
  }
  if (req.k() != 0 && (req.k() < 2 || req.k() > 100)) v.Add("k", "must be 2..100 (0: 5)");
  if (!req.linkage_key().empty() && !IsLinkageName(req.linkage_key())) {
    v.Add("linkage_key", "1..64 characters of [a-z0-9-]");
  }
  const v1::ExportFilter& f = req.filter();
  for (int i = 0; i < f.clinic_ids_size(); ++i) {
    records::CheckOpaqueId(absl::StrCat("filter.clinic_ids[", i, "]"), f.clinic_ids(i),
                           kClinicIdPrefix, v);
  }
  for (int i = 0; i < f.conditions_size(); ++i) {
    if (!v1::Condition_IsValid(f.conditions(i)) || f.conditions(i) == 0) {
      v.Add(absl::StrCat("filter.conditions[", i, "]"), "not a condition");
    }
  }
  for (int i = 0; i < f.instruments_size(); ++i) {
    if (analytics::FindMeasure(f.instruments(i)) == nullptr) {
      v.Add(absl::StrCat("filter.instruments[", i, "]"), "not a measure");
    }
  }
  const bool from_ok = !f.has_start_from() || records::IsValidDate(f.start_from());
  const bool to_ok = !f.has_start_to() || records::IsValidDate(f.start_to());
  if (!from_ok) v.Add("filter.start_from", "not a calendar date");
  if (!to_ok) v.Add("filter.start_to", "not a calendar date");
  if (from_ok && to_ok && f.has_start_from() && f.has_start_to() &&
      records::ToCivilDay(f.start_to()) < records::ToCivilDay(f.start_from())) {
    v.Add("filter.start_to", "must not be before start_from");
  }
}

}  // namespace tractus::exports
