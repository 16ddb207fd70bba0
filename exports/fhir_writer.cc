// FHIR R4 NDJSON, Bulk Data style: Patient.ndjson (one Patient per subject:
// gender, ZIP3 postal code, age band — nothing else) and Observation.ndjson
// (status, category, LOINC or local code, UCUM valueQuantity, subject
// reference). Relative timing without real dates: an extension holding the
// offset from the episode's day 0 as a Duration, and the episode reference.
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "exports/dataset.h"
#include "exports/file_sink.h"

namespace tractus::exports {
namespace {

constexpr char kExtensionBase[] = "https://tractus.example/fhir/StructureDefinition/";
constexpr char kUcum[] = "http://unitsofmeasure.org";
constexpr char kCategorySystem[] = "http://terminology.hl7.org/CodeSystem/observation-category";

// A JSON string literal.
std::string Json(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Category(const analytics::MeasureInfo& m) {
  if (m.patient_reported) return "survey";
  if (m.measure == analytics::Measure::kDailySteps) return "activity";
  return "exam";
}

class FhirWriter final : public DatasetWriter {
 public:
  absl::Status Open(const std::string& dir) {
    ASSIGN_OR_RETURN(patients_, FileSink::Create(dir, "Patient.ndjson", "Patient"));
    ASSIGN_OR_RETURN(observations_, FileSink::Create(dir, "Observation.ndjson", "Observation"));
    return absl::OkStatus();
  }

  absl::Status WriteEpisode(const ExportedEpisode& e) override {
    // One Patient per subject (a patient with several episodes appears
    // once); the set holds pseudonyms only, one per exported patient.
    if (!written_.insert(e.subject_id).second) return absl::OkStatus();
    return patients_->Line(absl::StrCat(
        R"({"resourceType":"Patient","id":)", Json(e.subject_id),
        R"(,"gender":)", Json(e.qi.sex),
        R"(,"address":[{"postalCode":)", Json(e.qi.zip3), R"(,"country":"US"}])",
        R"(,"extension":[{"url":")", kExtensionBase, R"(age-band","valueString":)",
        Json(e.qi.age_band), "}]}"));
  }

  // An Observation's id is its episode's reference and its place in the
  // episode (unique in the export, whatever thread renders it).
  void RenderObservations(const ExportedEpisode& e, const std::vector<ObservationValue>& values,
                          std::string* out) const override {
    const std::string subject = Json(absl::StrCat("Patient/", e.subject_id));
    const std::string episode = Json(e.episode_ref);
    for (size_t i = 0; i < values.size(); ++i) {
      const ObservationValue& o = values[i];
      const analytics::MeasureInfo& m = *o.measure;
      const bool loinc = !m.loinc.empty();
      absl::StrAppend(
          out, R"({"resourceType":"Observation","id":)",
          Json(absl::StrCat(e.episode_ref, "-", i + 1)), R"(,"status":"final")",
          R"(,"category":[{"coding":[{"system":")", kCategorySystem, R"(","code":")",
          Category(m), R"("}]}])",
          R"(,"code":{"coding":[{"system":)",
          Json(loinc ? analytics::kLoincSystem : analytics::kLocalSystem), R"(,"code":)",
          Json(loinc ? m.loinc : m.local_code), R"(,"display":)", Json(m.display_name),
          R"(}],"text":)", Json(m.display_name), "}", R"(,"subject":{"reference":)", subject,
          "}", R"(,"valueQuantity":{"value":)", absl::StrFormat("%.6g", o.value),
          R"(,"unit":)", Json(m.ucum_unit), R"(,"system":")", kUcum, R"(","code":)",
          Json(m.ucum_unit), "}", R"(,"extension":[{"url":")", kExtensionBase,
          R"(episode","valueString":)", episode, "},", R"({"url":")", kExtensionBase,
          R"(offset-from-episode-start","valueDuration":{"value":)", o.offset_minutes,
          R"(,"unit":"min","system":")", kUcum, R"(","code":"min"}},)", R"({"url":")",
          kExtensionBase, R"(source","valueCode":)", Json(o.source), "}]}\n");
    }
  }

  absl::Status WriteObservations(absl::string_view rendered, int64_t records) override {
    return observations_->Lines(rendered, records);
  }

  absl::StatusOr<std::vector<v1::ExportFile>> Finish() override {
    std::vector<v1::ExportFile> files;
    ASSIGN_OR_RETURN(files.emplace_back(), patients_->Close());
    ASSIGN_OR_RETURN(files.emplace_back(), observations_->Close());
    return files;
  }

 private:
  std::unique_ptr<FileSink> patients_, observations_;
  std::set<std::string> written_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DatasetWriter>> NewFhirWriter(const std::string& dir) {
  auto writer = std::make_unique<FhirWriter>();
  RETURN_IF_ERROR(writer->Open(dir));
  return std::unique_ptr<DatasetWriter>(std::move(writer));
}

}  // namespace tractus::exports
