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

absl::Status Outcomes::StreamClinicAlerts(const v1::StreamClinicAlertsRequest& req,
                                          const std::function<bool()>& cancelled,
                                          const std::function<bool(const v1::Alert&)>& emit,
                                          const std::function<void()>& subscribed) {
  Violations v;
  records::CheckOpaqueId("clinic_id", req.clinic_id(), kClinicIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetClinicRequest get;
  get.set_clinic_id(req.clinic_id());
  RETURN_IF_ERROR(records_->GetClinic(get).status());
  ASSIGN_OR_RETURN(std::shared_ptr<AlertHub::Subscription> subscription,
                   hub_.Subscribe(req.clinic_id()));
  if (subscribed) subscribed();
  while (!cancelled()) {
    std::optional<v1::Alert> alert = subscription->Next(absl::Milliseconds(200));
    if (alert) {
      if (!emit(*alert)) return absl::OkStatus();
      continue;
    }
    if (subscription->overflowed()) {
      return WithRetryDelay(
          absl::ResourceExhaustedError(
              "the alert stream fell behind and was cut; reopen it and call ListClinicAlerts"),
          absl::Seconds(1));
    }
    if (subscription->closed()) return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace tractus::outcomes
