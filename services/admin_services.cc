#include "services/admin_services.h"

#include "common/status_macros.h"
#include "services/unary_handler.h"
#include "storage/verify.h"

namespace tractus::services {

grpc::Status AdminServiceImpl::VerifyDatabase(grpc::ServerContext* ctx,
                                              const v1::VerifyDatabaseRequest*,
                                              v1::VerifyDatabaseResponse* resp) {
  return RunUnary(ctx, "tractus.v1.AdminService/VerifyDatabase", resp,
                  [&]() -> absl::StatusOr<v1::VerifyDatabaseResponse> {
                    ASSIGN_OR_RETURN(storage::VerifyReport report,
                                     storage::VerifyDatabase(*store_));
                    v1::VerifyDatabaseResponse out;
                    out.set_healthy(report.ok());
                    out.set_checksum_error(report.checksum_error);
                    for (const storage::FamilyReport& f : report.families) {
                      v1::ColumnFamilyCheck* c = out.add_column_families();
                      c->set_name(f.name);
                      c->set_records(f.records);
                      c->set_damaged(f.damaged);
                      c->set_unreadable(f.unreadable);
                    }
                    return out;
                  });
}

}  // namespace tractus::services
