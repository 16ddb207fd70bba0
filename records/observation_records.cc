// Records: observations (measures) of an episode, and home reports.
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "records/civil_date.h"
#include "records/observation_input.h"
#include "records/pagination.h"
#include "records/records.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::records {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Cf;

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

// Re-expresses an error from recording a home report's observation in the
// terms of SubmitHomeReportRequest: "observations[0].value" becomes
// `value_field` ("pain_nprs" or "daily_steps"), "observations[0].x" becomes
// "x", observation_id becomes report_id.
absl::Status AsHomeReportError(const absl::Status& status, absl::string_view report_id,
                               absl::string_view value_field) {
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "report_id ", report_id, " is already stored with different content"));
  }
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (violations.empty()) return status;
  constexpr absl::string_view kPrefix = "observations[0].";
  for (FieldViolation& fv : violations) {
    if (absl::StartsWith(fv.field, kPrefix)) fv.field.erase(0, kPrefix.size());
    if (fv.field == "observation_id") fv.field = "report_id";
    if (fv.field == "value") fv.field = std::string(value_field);
  }
  return InvalidArgumentWithFields(violations);
}

}  // namespace

absl::StatusOr<v1::RecordObservationsResponse> Records::RecordObservations(
    const v1::RecordObservationsRequest& req) {
  Violations v;
  CheckOpaqueId("episode_id", req.episode_id(), kEpisodeIdPrefix, v);
  if (req.observations().empty()) {
    v.Add("observations", "at least one observation is required");
  } else if (req.observations_size() > kMaxObservationsPerBatch) {
    v.Add("observations", absl::StrCat("at most ", kMaxObservationsPerBatch,
                                       " per call, got ", req.observations_size()));
  }
  RETURN_IF_ERROR(v.ToStatus());

  StripedLock::Hold hold(locks_, {req.episode_id()});
  ASSIGN_OR_RETURN(v1::Episode episode, LoadEpisode(req.episode_id()));
  if (episode.state() != v1::EPISODE_STATE_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat(
        "episode ", episode.episode_id(), " is closed; measures can no longer be added"));
  }
  ASSIGN_OR_RETURN(v1::Clinic clinic, LoadClinic(episode.clinic_id()));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(clinic.time_zone(), &zone)) {
    return absl::InternalError(absl::StrCat("clinic ", clinic.clinic_id(),
                                            " has an unloadable time zone"));
  }
  const ObservationContext ctx{StartOfDay(episode.start_date(), zone), clock_->Now(),
                               tscore_table_};

  std::map<std::string, int> first_index;
  for (int i = 0; i < req.observations_size(); ++i) {
    const v1::ObservationInput& in = req.observations(i);
    const std::string field = absl::StrCat("observations[", i, "]");
    CheckObservationInput(field, in, ctx, v);
    auto [it, inserted] = first_index.emplace(in.observation_id(), i);
    if (!inserted && !in.observation_id().empty()) {
      v.Add(field + ".observation_id",
            absl::StrCat("repeats observations[", it->second, "].observation_id"));
    }
  }
  RETURN_IF_ERROR(v.ToStatus());

  v1::RecordObservationsResponse resp;
  storage::WriteBatch batch;
  for (int i = 0; i < req.observations_size(); ++i) {
    v1::Observation built = BuildObservation(req.observations(i), episode, ctx);
    const std::string id_key =
        storage::ObservationIdKey(episode.episode_id(), built.observation_id());
    v1::RecordResult* result = resp.add_results();

    absl::StatusOr<std::string> existing = store_->Get(Cf::kIndex, id_key);
    if (existing.ok()) {
      ASSIGN_OR_RETURN(v1::Observation stored,
                       storage::GetRecord<v1::Observation>(*store_, Cf::kObservations,
                                                           *existing, "observation"));
      if (!SameObservation(stored, built)) {
        return absl::AlreadyExistsError(absl::StrCat(
            "observations[", i, "].observation_id ", built.observation_id(),
            " is already stored with different content; nothing was recorded"));
      }
      *result->mutable_observation() = std::move(stored);
      result->set_replayed(true);
      continue;
    }
    if (!absl::IsNotFound(existing.status())) return existing.status();

    const std::string key = storage::ObservationKey(
        {episode.episode_id(), static_cast<uint16_t>(built.instrument()),
         Micros(built.effective_time()), built.observation_id()});
    storage::PutRecord(batch, Cf::kObservations, key, built);
    batch.Put(Cf::kIndex, id_key, key);
    *result->mutable_observation() = std::move(built);
  }
  if (batch.count() > 0) {
    RETURN_IF_ERROR(store_->Write(batch));
    NotifyEpisodeChanged(episode.episode_id(), /*closed=*/false);
  }
  return resp;
}

absl::StatusOr<v1::ListObservationsResponse> Records::ListObservations(
    const v1::ListObservationsRequest& req) {
  Violations v;
  CheckOpaqueId("episode_id", req.episode_id(), kEpisodeIdPrefix, v);
  if (!v1::Instrument_IsValid(req.instrument())) {
    v.Add("instrument", absl::StrCat("unknown instrument ", req.instrument()));
  }
  if (req.has_start_time() && !IsValidTimestamp(req.start_time())) {
    v.Add("start_time", "is not a valid timestamp");
  }
  if (req.has_end_time() && !IsValidTimestamp(req.end_time())) {
    v.Add("end_time", "is not a valid timestamp");
  }
  RETURN_IF_ERROR(v.ToStatus());
  const int64_t start = req.has_start_time() ? Micros(req.start_time()) : INT64_MIN;
  const int64_t end = req.has_end_time() ? Micros(req.end_time()) : INT64_MAX;
  if (req.has_start_time() && req.has_end_time() && start >= end) {
    return InvalidField("end_time", "must be after start_time");
  }
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(req.page_size(), 100));
  RETURN_IF_ERROR(LoadEpisode(req.episode_id()).status());

  // One episode (and instrument) is one contiguous key range; with an
  // instrument the time bounds are key bounds too.
  PageQuery query{Cf::kObservations, "", "",
                  absl::StrCat("observations/", req.episode_id(), "/", req.instrument(),
                               "/", start, "/", end),
                  page_size, req.page_token()};
  if (req.instrument() != v1::INSTRUMENT_UNSPECIFIED) {
    const std::string prefix = storage::ObservationInstrumentPrefix(
        req.episode_id(), static_cast<uint16_t>(req.instrument()));
    query.lower = storage::KeyWriter().Str(req.episode_id())
                      .U16(static_cast<uint16_t>(req.instrument())).I64(start).Release();
    query.upper = end == INT64_MAX ? storage::PrefixSuccessor(prefix)
                                   : storage::KeyWriter().Str(req.episode_id())
                                         .U16(static_cast<uint16_t>(req.instrument()))
                                         .I64(end).Release();
  } else {
    query.lower = storage::ObservationEpisodePrefix(req.episode_id());
    query.upper = storage::PrefixSuccessor(query.lower);
  }

  v1::ListObservationsResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ScanPage(*store_, query, [&](absl::string_view key, absl::string_view value)
                                   -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(storage::ObservationKeyParts parts,
                         storage::DecodeObservationKey(key));
        if (parts.effective_micros < start || parts.effective_micros >= end) return false;
        ASSIGN_OR_RETURN(*resp.add_observations(),
                         storage::ParseRecord<v1::Observation>(value, "observation"));
        return true;
      }));
  return resp;
}

absl::StatusOr<ObservationList> Records::ObservationsOfEpisode(
    const std::string& episode_id, storage::Store::RangeReader* reader) const {
  ObservationList out;
  absl::Status parsed;
  RETURN_IF_ERROR(ScanObservationsOfEpisode(
      episode_id, reader, [&](absl::string_view, absl::string_view value) {
        parsed = storage::ParseRecordInto(value, "observation", out.Add());
        return parsed.ok();
      }));
  RETURN_IF_ERROR(parsed);
  return out;
}

absl::StatusOr<int64_t> Records::CountObservationsOfEpisode(
    const std::string& episode_id, storage::Store::RangeReader* reader) const {
  int64_t n = 0;
  RETURN_IF_ERROR(ScanObservationsOfEpisode(
      episode_id, reader, [&](absl::string_view, absl::string_view) { return ++n, true; }));
  return n;
}

absl::Status Records::ScanObservationsOfEpisode(const std::string& episode_id,
                                                storage::Store::RangeReader* reader,
                                                const storage::Store::ScanFn& fn) const {
  const std::string prefix = storage::ObservationEpisodePrefix(episode_id);
  return store_->Scan(Cf::kObservations, prefix, storage::PrefixSuccessor(prefix), fn, reader);
}

absl::StatusOr<v1::SubmitHomeReportResponse> Records::SubmitHomeReport(
    const v1::SubmitHomeReportRequest& req) {
  v1::RecordObservationsRequest record;
  record.set_episode_id(req.episode_id());
  v1::ObservationInput* in = record.add_observations();
  in->set_observation_id(req.report_id());
  if (req.has_effective_time()) *in->mutable_effective_time() = req.effective_time();
  in->set_source(v1::SOURCE_HOME);
  switch (req.report_case()) {
    case v1::SubmitHomeReportRequest::kPainNprs:
      in->set_instrument(v1::INSTRUMENT_NPRS);
      in->set_value(req.pain_nprs());
      break;
    case v1::SubmitHomeReportRequest::kOdi:
      in->set_instrument(v1::INSTRUMENT_ODI);
      *in->mutable_odi() = req.odi();
      break;
    case v1::SubmitHomeReportRequest::kRmdq:
      in->set_instrument(v1::INSTRUMENT_RMDQ);
      *in->mutable_rmdq() = req.rmdq();
      break;
    case v1::SubmitHomeReportRequest::kPromisPi6A:
      in->set_instrument(v1::INSTRUMENT_PROMIS_PI_6A);
      *in->mutable_promis_pi_6a() = req.promis_pi_6a();
      break;
    case v1::SubmitHomeReportRequest::kPsfs:
      in->set_instrument(v1::INSTRUMENT_PSFS);
      *in->mutable_psfs() = req.psfs();
      break;
    case v1::SubmitHomeReportRequest::kDailySteps:
      in->set_instrument(v1::INSTRUMENT_DAILY_STEPS);
      in->set_value(static_cast<double>(req.daily_steps()));
      break;
    case v1::SubmitHomeReportRequest::REPORT_NOT_SET:
      return InvalidField("report", "one of pain_nprs, odi, rmdq, promis_pi_6a, psfs "
                                    "or daily_steps is required");
  }
  absl::StatusOr<v1::RecordObservationsResponse> recorded = RecordObservations(record);
  if (!recorded.ok()) {
    return AsHomeReportError(recorded.status(), req.report_id(),
                             req.has_daily_steps() ? "daily_steps" : "pain_nprs");
  }
  v1::SubmitHomeReportResponse resp;
  *resp.mutable_observation() = std::move(*recorded->mutable_results(0)->mutable_observation());
  resp.set_replayed(recorded->results(0).replayed());
  return resp;
}

}  // namespace tractus::records
