// Records: episodes of care.
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "records/civil_date.h"
#include "records/idempotency.h"
#include "records/pagination.h"
#include "records/records.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::records {

using storage::Cf;

absl::Status EpisodeNotFoundError(absl::string_view episode_id) {
  return absl::NotFoundError(absl::StrCat("episode ", episode_id, " not found"));
}

absl::StatusOr<v1::Episode> Records::LoadEpisode(const std::string& episode_id) const {
  auto episode = storage::GetRecord<v1::Episode>(
      *store_, Cf::kEpisodes, storage::EpisodeKey(episode_id), "episode");
  if (absl::IsNotFound(episode.status())) return EpisodeNotFoundError(episode_id);
  return episode;
}

absl::StatusOr<v1::CreateEpisodeResponse> Records::CreateEpisode(
    const v1::CreateEpisodeRequest& req) {
  const absl::Time now = clock_->Now();
  Violations v;
  CheckClientId("request_id", req.request_id(), v);
  if (!req.has_episode()) {
    v.Add("episode", "required");
  } else {
    CheckOpaqueId("episode.patient_id", req.episode().patient_id(), kPatientIdPrefix, v);
    CheckEpisode("episode", req.episode(), now, v);
  }
  RETURN_IF_ERROR(v.ToStatus());

  v1::Episode input;
  input.set_patient_id(req.episode().patient_id());
  *input.mutable_conditions() = req.episode().conditions();
  *input.mutable_start_date() = req.episode().start_date();
  *input.mutable_plan() = NormalizedPlan(req.episode().plan());
  // Request ids are the clinic's own: the patient's clinic.
  ASSIGN_OR_RETURN(v1::Patient patient, LoadPatient(input.patient_id()));
  CreateOnce once(*store_, locks_, storage::RequestKind::kCreateEpisode, patient.clinic_id(),
                  req.request_id(), input,
                  [this](const std::string& episode_id) -> absl::StatusOr<std::string> {
                    ASSIGN_OR_RETURN(v1::Episode episode, LoadEpisode(episode_id));
                    return episode.clinic_id();
                  });
  ASSIGN_OR_RETURN(auto prior, once.PriorResourceId());
  v1::CreateEpisodeResponse resp;
  if (prior.has_value()) {
    ASSIGN_OR_RETURN(*resp.mutable_episode(), LoadEpisode(*prior));
    return resp;
  }

  v1::Episode episode = std::move(input);
  episode.set_episode_id(NewOpaqueId(kEpisodeIdPrefix));
  episode.set_clinic_id(patient.clinic_id());
  episode.set_state(v1::EPISODE_STATE_OPEN);
  *episode.mutable_create_time() = ToProto(now);

  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kEpisodes, storage::EpisodeKey(episode.episode_id()), episode);
  batch.Put(Cf::kIndex,
            storage::EpisodesByPatientKey(episode.patient_id(),
                                          DaysSinceEpoch(episode.start_date()),
                                          episode.episode_id()),
            "");
  RETURN_IF_ERROR(once.Commit(batch, episode.episode_id()));
  NotifyEpisodeChanged(episode.episode_id(), /*closed=*/false);
  *resp.mutable_episode() = std::move(episode);
  return resp;
}

absl::StatusOr<v1::GetEpisodeResponse> Records::GetEpisode(const v1::GetEpisodeRequest& req) {
  Violations v;
  CheckOpaqueId("episode_id", req.episode_id(), kEpisodeIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetEpisodeResponse resp;
  ASSIGN_OR_RETURN(*resp.mutable_episode(), LoadEpisode(req.episode_id()));
  return resp;
}

absl::StatusOr<v1::ListEpisodesResponse> Records::ListEpisodes(
    const v1::ListEpisodesRequest& req) {
  Violations v;
  CheckOpaqueId("patient_id", req.patient_id(), kPatientIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(req.page_size(), 50));
  RETURN_IF_ERROR(LoadPatient(req.patient_id()).status());

  const std::string prefix = storage::EpisodesByPatientPrefix(req.patient_id());
  PageQuery query{Cf::kIndex, prefix, storage::PrefixSuccessor(prefix),
                  absl::StrCat("episodes/", req.patient_id()), page_size, req.page_token()};
  v1::ListEpisodesResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ScanPage(*store_, query, [&](absl::string_view key, absl::string_view)
                                   -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(std::string episode_id, storage::DecodeEpisodesByPatientKey(key));
        ASSIGN_OR_RETURN(*resp.add_episodes(), LoadEpisode(episode_id));
        return true;
      }));
  return resp;
}

absl::StatusOr<v1::CloseEpisodeResponse> Records::CloseEpisode(
    const v1::CloseEpisodeRequest& req) {
  Violations v;
  CheckOpaqueId("episode_id", req.episode_id(), kEpisodeIdPrefix, v);
  if (req.reason() == v1::CLOSE_REASON_UNSPECIFIED) {
    v.Add("reason", "required");
  } else if (!v1::CloseReason_IsValid(req.reason())) {
    v.Add("reason", absl::StrCat("unknown close reason ", req.reason()));
  }
  RETURN_IF_ERROR(v.ToStatus());

  StripedLock::Hold hold(locks_, {req.episode_id()});
  ASSIGN_OR_RETURN(v1::Episode episode, LoadEpisode(req.episode_id()));
  v1::CloseEpisodeResponse resp;
  if (episode.state() == v1::EPISODE_STATE_CLOSED) {
    if (episode.close_reason() != req.reason()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "episode ", episode.episode_id(), " is already closed with reason ",
          v1::CloseReason_Name(episode.close_reason())));
    }
    *resp.mutable_episode() = std::move(episode);
    return resp;
  }
  episode.set_state(v1::EPISODE_STATE_CLOSED);
  episode.set_close_reason(req.reason());
  *episode.mutable_close_time() = ToProto(clock_->Now());
  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kEpisodes, storage::EpisodeKey(episode.episode_id()), episode);
  RETURN_IF_ERROR(store_->Write(batch));
  NotifyEpisodeChanged(episode.episode_id(), /*closed=*/true);
  *resp.mutable_episode() = std::move(episode);
  return resp;
}

absl::Status Records::ForEachEpisode(
    const std::function<absl::Status(const v1::Episode&)>& fn) const {
  absl::Status status;
  RETURN_IF_ERROR(store_->Scan(Cf::kEpisodes, "", "",
                               [&](absl::string_view, absl::string_view value) {
                                 auto episode = storage::ParseRecord<v1::Episode>(value, "episode");
                                 status = episode.ok() ? fn(*episode) : episode.status();
                                 return status.ok();
                               }));
  return status;
}

}  // namespace tractus::records
