#include "services/owner_lookup.h"

#include "common/status_macros.h"

namespace tractus::services {

using security::Owner;
using security::RecordOwner;
using security::TargetKind;

absl::StatusOr<Owner> RecordOwners::OfEpisode(const std::string& episode_id) const {
  {
    absl::MutexLock lock(&mu_);
    auto it = episodes_.find(episode_id);
    if (it != episodes_.end()) return it->second;
  }
  v1::GetEpisodeRequest get;
  get.set_episode_id(episode_id);
  ASSIGN_OR_RETURN(v1::GetEpisodeResponse found, records_->GetEpisode(get));
  Owner owner = RecordOwner(found.episode().clinic_id(), found.episode().patient_id(), episode_id);
  absl::MutexLock lock(&mu_);
  if (episodes_.size() >= kEpisodesKept) episodes_.clear();
  episodes_.emplace(episode_id, owner);
  return owner;
}

absl::StatusOr<Owner> RecordOwners::Find(TargetKind kind, const std::string& id) const {
  switch (kind) {
    case TargetKind::kPatient: {
      ASSIGN_OR_RETURN(std::string clinic_id, records_->ClinicOfPatient(id));
      return RecordOwner(std::move(clinic_id), id, "");
    }
    case TargetKind::kEpisode:
      return OfEpisode(id);
    case TargetKind::kSession: {
      v1::GetSessionRequest get;
      get.set_session_id(id);
      ASSIGN_OR_RETURN(v1::GetSessionResponse found, uploads_->GetSession(get));
      const v1::Session& session = found.session();
      return RecordOwner(session.clinic_id(), session.patient_id(), session.episode_id());
    }
    case TargetKind::kDevice: {
      ASSIGN_OR_RETURN(v1::Device device, devices_->Get(id));
      return RecordOwner(device.clinic_id(), "", "");
    }
    case TargetKind::kExport: {
      ASSIGN_OR_RETURN(std::string owner, exports_->OwnerOf(id));
      Owner o;
      o.export_id = id;
      o.export_owner = std::move(owner);
      return o;
    }
    default:
      return absl::InternalError("no owner lookup for this kind of record");
  }
}

}  // namespace tractus::services
