#include "services/outcome_services.h"

#include "common/errors.h"
#include "common/status_macros.h"
#include "services/unary_handler.h"

namespace tractus::services {
namespace {

// Clinic-bound callers asking for "all clinics" get theirs (an unbound
// analyst's empty list means every clinic).
absl::StatusOr<v1::GetCohortOutcomesRequest> ScopedCohort(const v1::GetCohortOutcomesRequest& req,
                                                          const security::Principal& who) {
  v1::GetCohortOutcomesRequest scoped = req;
  if (scoped.clinic_ids().empty() && who.role == v1::ROLE_CLINICIAN && who.clinic_ids.empty()) {
    return absl::PermissionDeniedError("no clinic is assigned to this user");
  }
  if (scoped.clinic_ids().empty()) {
    for (const std::string& id : who.clinic_ids) scoped.add_clinic_ids(id);
  }
  return scoped;
}

}  // namespace

grpc::Status OutcomeServiceImpl::GetEpisodeProgress(grpc::ServerContext* ctx,
                                                    const v1::GetEpisodeProgressRequest* req,
                                                    v1::GetEpisodeProgressResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/GetEpisodeProgress", *req, resp,
                  [&] { return outcomes_->GetEpisodeProgress(*req); });
}

grpc::Status OutcomeServiceImpl::ListClinicAlerts(grpc::ServerContext* ctx,
                                                  const v1::ListClinicAlertsRequest* req,
                                                  v1::ListClinicAlertsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/ListClinicAlerts", *req, resp,
                  [&] { return outcomes_->ListClinicAlerts(*req); });
}

namespace {

constexpr char kStreamAlertsMethod[] = "tractus.v1.OutcomeService/StreamClinicAlerts";

class AlertStreamReactor final
    : public ServerStreamReactor<v1::StreamClinicAlertsRequest, v1::StreamClinicAlertsResponse> {
 public:
  AlertStreamReactor(grpc::CallbackServerContext* ctx, const v1::StreamClinicAlertsRequest* req,
                     const StreamContext& shared, outcomes::Outcomes* outcomes)
      : ServerStreamReactor(ctx, req, kStreamAlertsMethod, shared),
        outcomes_(outcomes),
        waker_(std::make_shared<Waker>(this)) {}

 private:
  // The hub may tell a subscription's listener after the stream is gone
  // (it holds the subscription while pushing): the listener goes through
  // this, which OnDone disconnects.
  struct Waker {
    explicit Waker(AlertStreamReactor* r) : reactor(r) {}
    void Wake() {
      absl::MutexLock lock(&mu);
      if (reactor != nullptr) reactor->Wake();
    }
    absl::Mutex mu;
    AlertStreamReactor* reactor ABSL_GUARDED_BY(mu);
  };

  absl::Status Begin() override {
    std::shared_ptr<Waker> waker = waker_;
    ASSIGN_OR_RETURN(subscription_,
                     outcomes_->SubscribeClinicAlerts(request(), [waker] { waker->Wake(); }));
    return absl::OkStatus();
  }

  absl::Status Produce(size_t room, std::vector<v1::StreamClinicAlertsResponse>* out,
                       bool* /*complete*/) override {
    while (out->size() < room) {
      std::optional<v1::Alert> alert = subscription_->TryNext();
      if (!alert) break;
      *out->emplace_back().mutable_alert() = std::move(*alert);
    }
    if (!out->empty()) return absl::OkStatus();
    if (subscription_->overflowed()) {
      return WithRetryDelay(
          absl::ResourceExhaustedError(
              "the alert stream fell behind and was cut; reopen it and call ListClinicAlerts"),
          absl::Seconds(1));
    }
    if (subscription_->closed()) {
      return WithRetryDelay(
          absl::UnavailableError("the server is stopping; reopen the stream and call "
                                 "ListClinicAlerts for what was raised meanwhile"),
          absl::Seconds(1));
    }
    return absl::OkStatus();
  }

  void Stopped() override {
    {
      absl::MutexLock lock(&waker_->mu);
      waker_->reactor = nullptr;
    }
    subscription_.reset();
  }

  outcomes::Outcomes* const outcomes_;
  const std::shared_ptr<Waker> waker_;
  std::shared_ptr<outcomes::AlertHub::Subscription> subscription_;  // the strand's
};

}  // namespace

grpc::ServerWriteReactor<v1::StreamClinicAlertsResponse>* OutcomeServiceImpl::StreamClinicAlerts(
    grpc::CallbackServerContext* ctx, const v1::StreamClinicAlertsRequest* req) {
  return (new AlertStreamReactor(ctx, req, streams_, outcomes_))->Start();
}

grpc::Status OutcomeServiceImpl::GetCohortOutcomes(grpc::ServerContext* ctx,
                                                   const v1::GetCohortOutcomesRequest* req,
                                                   v1::GetCohortOutcomesResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/GetCohortOutcomes", *req, resp,
                  [&](const CallGuard::Admission& call)
                      -> absl::StatusOr<v1::GetCohortOutcomesResponse> {
                    ASSIGN_OR_RETURN(auto scoped, ScopedCohort(*req, call.principal));
                    return outcomes_->GetCohortOutcomes(scoped);
                  });
}

grpc::Status OutcomeServiceImpl::GetCohortPartial(grpc::ServerContext* ctx,
                                                  const v1::GetCohortPartialRequest* req,
                                                  v1::GetCohortPartialResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/GetCohortPartial", *req, resp,
                  [&](const CallGuard::Admission& call)
                      -> absl::StatusOr<v1::GetCohortPartialResponse> {
                    ASSIGN_OR_RETURN(auto scoped, ScopedCohort(req->cohort(), call.principal));
                    return outcomes_->GetCohortPartial(*req, scoped);
                  });
}

grpc::Status OutcomeServiceImpl::MergeCohortPartials(grpc::ServerContext* ctx,
                                                     const v1::MergeCohortPartialsRequest* req,
                                                     v1::MergeCohortPartialsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/MergeCohortPartials", *req, resp,
                  [&] { return outcomes_->MergeCohortPartials(*req); });
}

}  // namespace tractus::services
