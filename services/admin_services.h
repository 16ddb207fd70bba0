// gRPC AdminService: operator tasks over the store. Thread-safe.
#ifndef TRACTUS_SERVICES_ADMIN_SERVICES_H_
#define TRACTUS_SERVICES_ADMIN_SERVICES_H_

#include "storage/store.h"
#include "tractus/v1/admin.grpc.pb.h"

namespace tractus::services {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(storage::Store* store) : store_(store) {}
  grpc::Status VerifyDatabase(grpc::ServerContext* ctx, const v1::VerifyDatabaseRequest* req,
                              v1::VerifyDatabaseResponse* resp) override;

 private:
  storage::Store* const store_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_ADMIN_SERVICES_H_
