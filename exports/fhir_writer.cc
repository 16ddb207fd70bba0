// FHIR R4 NDJSON, Bulk Data style: Patient.ndjson (one Patient per subject:
// gender and ZIP3 postal code — what stays the same for the person),
// EpisodeOfCare.ndjson (one per episode: status, patient, the age band at
// its day 0, its primary condition), Condition.ndjson (that condition) and
// Observation.ndjson (status, category, LOINC or local code, UCUM
// valueQuantity, subject reference). Relative timing without real dates: an
// extension holding the offset from the episode's day 0 as a Duration, and
// the episode reference.
//
// Each file shows no more of the quasi-identifiers than k was checked over
// (age band, sex, ZIP3, primary condition, per episode): the age band is
// the episode's, so a patient whose episodes fall in two bands is never
// shown with one band for both.
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
constexpr char kConditionSystem[] = "https://tractus.example/fhir/CodeSystem/condition";
constexpr char kClinicalStatusSystem[] =
    "http://terminology.hl7.org/CodeSystem/condition-clinical";
constexpr char kConditionCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/condition-category";

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
  explicit FhirWriter(const v1::ExportCoarsening& coarsening) : coarsening_(coarsening) {}

  absl::Status Open(const std::string& dir) {
    ASSIGN_OR_RETURN(patients_, FileSink::Create(dir, "Patient.ndjson", "Patient"));
    ASSIGN_OR_RETURN(episodes_, FileSink::Create(dir, "EpisodeOfCare.ndjson", "EpisodeOfCare"));
    ASSIGN_OR_RETURN(conditions_, FileSink::Create(dir, "Condition.ndjson", "Condition"));
    ASSIGN_OR_RETURN(observations_, FileSink::Create(dir, "Observation.ndjson", "Observation"));
    return absl::OkStatus();
  }

  absl::Status WriteEpisode(const ExportedEpisode& e) override {
    // One Patient per subject (a patient with several episodes appears
    // once); the set holds pseudonyms only, one per exported patient.
    const std::string patient = Json(absl::StrCat("Patient/", e.subject_id));
    if (written_.insert(e.subject_id).second) {
      RETURN_IF_ERROR(patients_->Line(absl::StrCat(
          R"({"resourceType":"Patient","id":)", Json(e.subject_id),
          R"(,"gender":)", Json(e.qi.sex),
          R"(,"address":[{"postalCode":)", Json(e.qi.zip3), R"(,"country":"US"}]})")));
    }
    const std::string condition_id = absl::StrCat(e.episode_ref, "-condition");
    const bool open = e.state == "open";
    RETURN_IF_ERROR(conditions_->Line(absl::StrCat(
        R"({"resourceType":"Condition","id":)", Json(condition_id),
        R"(,"clinicalStatus":{"coding":[{"system":")", kClinicalStatusSystem, R"(","code":")",
        open ? "active" : "resolved", R"("}]})",
        R"(,"category":[{"coding":[{"system":")", kConditionCategorySystem,
        R"(","code":"encounter-diagnosis"}]}])",
        R"(,"code":{"coding":[{"system":")", kConditionSystem, R"(","code":)",
        Json(e.qi.condition), R"(}],"text":)", Json(e.qi.condition), "}",
        R"(,"subject":{"reference":)", patient, "}}")));
    return episodes_->Line(absl::StrCat(
        R"({"resourceType":"EpisodeOfCare","id":)", Json(e.episode_ref),
        R"(,"status":")", open ? "active" : "finished", R"(")",
        R"(,"patient":{"reference":)", patient, "}",
        R"(,"diagnosis":[{"condition":{"reference":)",
        Json(absl::StrCat("Condition/", condition_id)), R"(},"rank":1}])",
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
          "}");
      if (*o.laterality != '\0') {
        absl::StrAppend(out, R"(,"bodySite":{"text":)", Json(absl::StrCat(o.laterality, " leg")),
                        "}");
      }
      absl::StrAppend(out, R"(,"valueQuantity":{"value":)", absl::StrFormat("%.6g", o.value),
          R"(,"unit":)", Json(m.ucum_unit), R"(,"system":")", kUcum, R"(","code":)",
          Json(m.ucum_unit), "}", R"(,"extension":[{"url":")", kExtensionBase,
          R"(episode","valueString":)", episode, "},");
      if (!coarsening_.days_as_weeks()) {
        absl::StrAppend(out, R"({"url":")", kExtensionBase,
                        R"(offset-from-episode-start","valueDuration":{"value":)",
                        o.offset_minutes, R"(,"unit":"min","system":")", kUcum,
                        R"(","code":"min"}},)");
      }
      absl::StrAppend(out, R"({"url":")", kExtensionBase, R"(episode-week","valueInteger":)",
                      EpisodeWeek(EpisodeDay(o.offset_minutes)), "},", R"({"url":")",
                      kExtensionBase, R"(source","valueCode":)", Json(o.source), "}]}\n");
    }
  }

  absl::Status WriteObservations(absl::string_view rendered, int64_t records) override {
    return observations_->Lines(rendered, records);
  }

  absl::StatusOr<std::vector<v1::ExportFile>> Finish() override {
    std::vector<v1::ExportFile> files;
    ASSIGN_OR_RETURN(files.emplace_back(), patients_->Close());
    ASSIGN_OR_RETURN(files.emplace_back(), episodes_->Close());
    ASSIGN_OR_RETURN(files.emplace_back(), conditions_->Close());
    ASSIGN_OR_RETURN(files.emplace_back(), observations_->Close());
    return files;
  }

 private:
  const v1::ExportCoarsening coarsening_;
  std::unique_ptr<FileSink> patients_, episodes_, conditions_, observations_;
  std::set<std::string> written_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DatasetWriter>> NewFhirWriter(
    const std::string& dir, const v1::ExportCoarsening& coarsening) {
  auto writer = std::make_unique<FhirWriter>(coarsening);
  RETURN_IF_ERROR(writer->Open(dir));
  return std::unique_ptr<DatasetWriter>(std::move(writer));
}

}  // namespace tractus::exports
