// gRPC OutcomeService over outcomes::Outcomes. Thread-safe.
#ifndef TRACTUS_SERVICES_OUTCOME_SERVICES_H_
#define TRACTUS_SERVICES_OUTCOME_SERVICES_H_

#include "outcomes/outcomes.h"
#include "services/call_guard.h"
#include "services/server_stream_reactor.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::services {

// StreamClinicAlerts runs on gRPC's callback API (server_stream_reactor.h):
// an open alert stream holds no thread and is woken by the alert hub. The
// unary calls stay on the synchronous API.
class OutcomeServiceImpl final
    : public v1::OutcomeService::WithCallbackMethod_StreamClinicAlerts<
          v1::OutcomeService::Service> {
 public:
  OutcomeServiceImpl(CallGuard* guard, outcomes::Outcomes* outcomes, const StreamContext& streams)
      : guard_(guard), outcomes_(outcomes), streams_(streams) {}
  grpc::Status GetEpisodeProgress(grpc::ServerContext* ctx,
                                  const v1::GetEpisodeProgressRequest* req,
                                  v1::GetEpisodeProgressResponse* resp) override;
  grpc::Status ListClinicAlerts(grpc::ServerContext* ctx, const v1::ListClinicAlertsRequest* req,
                                v1::ListClinicAlertsResponse* resp) override;
  // New alerts of the clinic as they are raised; initial metadata once
  // subscribed. Ends UNAVAILABLE when the server stops, RESOURCE_EXHAUSTED
  // (retry delay) if the reader fell too far behind, UNAUTHENTICATED once
  // the caller's access is revoked.
  grpc::ServerWriteReactor<v1::StreamClinicAlertsResponse>* StreamClinicAlerts(
      grpc::CallbackServerContext* ctx, const v1::StreamClinicAlertsRequest* req) override;
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
  const StreamContext streams_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_OUTCOME_SERVICES_H_
