// Outcomes: alerts recomputed on data arrival and streamed to clinicians.
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "outcomes/outcomes.h"
#include "records/validation.h"

namespace tractus::outcomes {

void Outcomes::OnEpisodeChanged(const std::string& episode_id, bool closed) {
  summaries_.Invalidate(episode_id);
  progress_.Invalidate(episode_id);
  if (closed) generation_.fetch_add(1);
  hub_.Enqueue(episode_id);
}

void Outcomes::Stop() { hub_.Stop(); }

absl::StatusOr<AlertHub::Evaluation> Outcomes::EvaluateAlerts(const std::string& episode_id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const ProgressBasis> basis, Basis(episode_id));
  v1::EpisodeProgress progress = FinishProgress(*basis, clock_->Now());
  AlertHub::Evaluation eval;
  eval.clinic_id = basis->view.episode().clinic_id();
  eval.alerts.assign(progress.alerts().begin(), progress.alerts().end());
  return eval;
}

absl::StatusOr<std::shared_ptr<AlertHub::Subscription>> Outcomes::SubscribeClinicAlerts(
    const v1::StreamClinicAlertsRequest& req, std::function<void()> listener) {
  Violations v;
  records::CheckOpaqueId("clinic_id", req.clinic_id(), kClinicIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetClinicRequest get;
  get.set_clinic_id(req.clinic_id());
  RETURN_IF_ERROR(records_->GetClinic(get).status());
  return hub_.Subscribe(req.clinic_id(), std::move(listener));
}

}  // namespace tractus::outcomes
