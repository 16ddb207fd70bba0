// gRPC OutcomeService over outcomes::Outcomes. Thread-safe.
#ifndef TRACTUS_SERVICES_OUTCOME_SERVICES_H_
#define TRACTUS_SERVICES_OUTCOME_SERVICES_H_

#include "outcomes/outcomes.h"
#include "services/call_guard.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::services {

class OutcomeServiceImpl final : public v1::OutcomeService::Service {
 public:
  OutcomeServiceImpl(CallGuard* guard, outcomes::Outcomes* outcomes) : guard_(guard), outcomes_(outcomes) {}
  grpc::Status GetEpisodeProgress(grpc::ServerContext* ctx,
                                  const v1::GetEpisodeProgressRequest* req,
                                  v1::GetEpisodeProgressResponse* resp) override;
  grpc::Status ListClinicAlerts(grpc::ServerContext* ctx, const v1::ListClinicAlertsRequest* req,
                                v1::ListClinicAlertsResponse* resp) override;
  grpc::Status StreamClinicAlerts(grpc::ServerContext* ctx,
                                  const v1::StreamClinicAlertsRequest* req,
                                  grpc::ServerWriter<v1::StreamClinicAlertsResponse>* writer)
      override;
  grpc::Status GetCohortOutcomes(grpc::ServerContext* ctx, const v1::GetCohortOutcomesRequest* req,
                                 v1::GetCohortOutcomesResponse* resp) override;
  grpc::Status GetCohortPartial(grpc::ServerContext* ctx, const v1::GetCohortPartialRequest* req,
                                v1::GetCohortPartialResponse* resp) override;
  grpc::Status MergeCohortPartials(grpc::ServerContext* ctx,
                                   const v1::MergeCohortPartialsRequest* req,
                                   v1::MergeCohortPartialsResponse* resp) override;

 private:
  CallGuard* const guard_;
  outcomes::Outcomes* const outcomes_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_OUTCOME_SERVICES_H_
