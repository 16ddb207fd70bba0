#include "cli/admin_commands.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace tractus::cli {
namespace {

using Args = std::vector<std::string>;

absl::Status Usage(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("usage: tractus admin ", what));
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

absl::StatusOr<v1::Role> ParseRole(const std::string& name) {
  if (name == "administrator") return v1::ROLE_ADMINISTRATOR;
  if (name == "clinician") return v1::ROLE_CLINICIAN;
  if (name == "analyst") return v1::ROLE_ANALYST;
  if (name == "patient") return v1::ROLE_PATIENT;
  return absl::InvalidArgumentError(
      absl::StrCat("role must be administrator, clinician, analyst or patient, got ", name));
}

void PrintUser(const v1::User& u, std::ostream& out) {
  out << u.user_id() << "  " << v1::Role_Name(u.role()) << "  " << u.display_name();
  if (u.clinic_ids_size() > 0) out << "  clinics " << absl::StrJoin(u.clinic_ids(), ",");
  if (!u.patient_id().empty()) out << "  patient " << u.patient_id();
  if (u.disabled()) out << "  DISABLED";
  out << "\n";
}

absl::Status CreateClinic(const Client& c, const Args& a, const std::string& clinic_id,
                          std::ostream& out) {
  if (a.size() != 3) return Usage("create-clinic NAME TIME_ZONE");
  v1::CreateClinicRequest req;
  req.set_request_id(absl::StrCat("cli-", absl::ToUnixNanos(absl::Now())));
  req.mutable_clinic()->set_clinic_id(clinic_id);
  req.mutable_clinic()->set_display_name(a[1]);
  req.mutable_clinic()->set_time_zone(a[2]);
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::ClinicService::Stub::CreateClinic, c.clinics(), req));
  out << resp.clinic().clinic_id() << "  " << resp.clinic().display_name() << "\n";
  return absl::OkStatus();
}

absl::Status CreateUser(const Client& c, const Args& a, std::ostream& out) {
  if (a.size() < 3) return Usage("create-user ROLE NAME [CLINIC_ID... | PATIENT_ID]");
  v1::CreateUserRequest req;
  ASSIGN_OR_RETURN(v1::Role role, ParseRole(a[1]));
  req.mutable_user()->set_role(role);
  req.mutable_user()->set_display_name(a[2]);
  for (size_t i = 3; i < a.size(); ++i) {
    if (role == v1::ROLE_PATIENT) {
      req.mutable_user()->set_patient_id(a[i]);
    } else {
      req.mutable_user()->add_clinic_ids(a[i]);
    }
  }
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::AdminService::Stub::CreateUser, c.admin(), req));
  PrintUser(resp.user(), out);
  return absl::OkStatus();
}

absl::Status Users(const Client& c, std::ostream& out) {
  v1::ListUsersRequest req;
  do {
    ASSIGN_OR_RETURN(auto page, c.Call(&v1::AdminService::Stub::ListUsers, c.admin(), req));
    for (const v1::User& u : page.users()) PrintUser(u, out);
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

absl::Status UpdateUser(const Client& c, const Args& a, std::ostream& out) {
  v1::UpdateUserRequest req;
  if (a[0] == "set-clinics" && a.size() >= 2) {
    req.mutable_user()->set_user_id(a[1]);
    for (size_t i = 2; i < a.size(); ++i) req.mutable_user()->add_clinic_ids(a[i]);
    req.mutable_update_mask()->add_paths("clinic_ids");
  } else if ((a[0] == "disable-user" || a[0] == "enable-user") && a.size() == 2) {
    req.mutable_user()->set_user_id(a[1]);
    req.mutable_user()->set_disabled(a[0] == "disable-user");
    req.mutable_update_mask()->add_paths("disabled");
  } else {
    return Usage("set-clinics USER_ID CLINIC_ID... | disable-user USER_ID | enable-user USER_ID");
  }
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::AdminService::Stub::UpdateUser, c.admin(), req));
  PrintUser(resp.user(), out);
  return absl::OkStatus();
}

absl::Status CreateKey(const Client& c, const Args& a, const AdminOptions& o, std::ostream& out) {
  if (a.size() < 2 || a.size() > 3) return Usage("create-key USER_ID [DESCRIPTION]");
  v1::CreateApiKeyRequest req;
  req.set_user_id(a[1]);
  if (a.size() == 3) req.set_description(a[2]);
  if (o.key_days > 0) {
    req.mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(absl::Now() + absl::Hours(24) * o.key_days));
  }
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::AdminService::Stub::CreateApiKey, c.admin(), req));
  out << resp.api_key().key_id() << "  expires " << Time(resp.api_key().expire_time()) << "\n";
  if (!o.key_out.empty()) {
    RETURN_IF_ERROR(WriteSecretFile(o.key_out, resp.secret()));
    out << "secret written to " << o.key_out << " (mode 0600); it is not shown again\n";
  } else {
    out << resp.secret() << "\n(shown once; store it now)\n";
  }
  return absl::OkStatus();
}

absl::Status Keys(const Client& c, const Args& a, std::ostream& out) {
  if (a.size() != 2) return Usage("keys USER_ID");
  v1::ListApiKeysRequest req;
  req.set_user_id(a[1]);
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::AdminService::Stub::ListApiKeys, c.admin(), req));
  for (const v1::ApiKey& k : resp.api_keys()) {
    out << k.key_id() << "  created " << Time(k.create_time()) << "  expires "
        << Time(k.expire_time())
        << (k.has_revoke_time() ? "  REVOKED " + Time(k.revoke_time()) : std::string()) << "  "
        << k.description() << "\n";
  }
  return absl::OkStatus();
}

absl::Status RevokeKey(const Client& c, const Args& a, std::ostream& out) {
  if (a.size() != 2) return Usage("revoke-key KEY_ID");
  v1::RevokeApiKeyRequest req;
  req.set_key_id(a[1]);
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::AdminService::Stub::RevokeApiKey, c.admin(), req));
  out << resp.api_key().key_id() << " revoked at " << Time(resp.api_key().revoke_time()) << "\n";
  return absl::OkStatus();
}

absl::Status EnrollToken(const Client& c, const Args& a, std::ostream& out) {
  if (a.size() != 2) return Usage("enroll-token CLINIC_ID");
  v1::CreateEnrollmentTokenRequest req;
  req.set_clinic_id(a[1]);
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::DeviceAdminService::Stub::CreateEnrollmentToken,
                                     c.device_admin(), req));
  out << resp.enrollment_token() << "\n";
  return absl::OkStatus();
}

absl::Status RevokeDevice(const Client& c, const Args& a, std::ostream& out) {
  if (a.size() != 2) return Usage("revoke-device DEVICE_ID");
  v1::RevokeDeviceRequest req;
  req.set_device_id(a[1]);
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::DeviceAdminService::Stub::RevokeDevice,
                                     c.device_admin(), req));
  out << resp.device().device_id() << " revoked\n";
  return absl::OkStatus();
}

absl::Status SetTime(const std::string& text, google::protobuf::Timestamp* t) {
  absl::Time parsed;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &parsed, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("not an RFC 3339 time: ", text));
  }
  t->set_seconds(absl::ToUnixSeconds(parsed));
  return absl::OkStatus();
}

absl::Status Audit(const Client& c, const AdminOptions& o, std::ostream& out) {
  v1::QueryAuditLogRequest req;
  if (!o.since.empty()) RETURN_IF_ERROR(SetTime(o.since, req.mutable_start_time()));
  if (!o.until.empty()) RETURN_IF_ERROR(SetTime(o.until, req.mutable_end_time()));
  req.set_principal_id(o.principal);
  req.set_patient_id(o.patient);
  req.set_page_size(1000);
  do {
    ASSIGN_OR_RETURN(auto page, c.Call(&v1::AdminService::Stub::QueryAuditLog, c.admin(), req));
    for (const v1::AuditEntry& e : page.entries()) {
      out << e.sequence() << "  " << Time(e.time()) << "  " << e.principal_id() << " ("
          << v1::Role_Name(e.role()) << ")  " << e.method() << "  " << e.outcome();
      if (!e.clinic_id().empty()) out << "  clinic " << e.clinic_id();
      if (!e.patient_id().empty()) out << "  patient " << e.patient_id();
      if (!e.episode_id().empty()) out << "  episode " << e.episode_id();
      if (!e.export_id().empty()) out << "  export " << e.export_id();
      out << "  from " << e.peer() << "\n";
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

absl::StatusOr<int> AuditVerify(const Client& c, std::ostream& out) {
  ASSIGN_OR_RETURN(auto r, c.Call(&v1::AdminService::Stub::VerifyAuditLog, c.admin(),
                                  v1::VerifyAuditLogRequest()));
  out << "audit entries checked: " << r.entries_checked() << "\n";
  if (r.intact()) {
    out << "audit log intact\n";
    return 0;
  }
  out << "audit log DAMAGED at entry " << r.first_bad_sequence() << ": " << r.problem() << "\n";
  return 1;
}

void PrintBackup(const v1::Backup& b, std::ostream& out) {
  out << "backup " << b.backup_id() << "  " << Time(b.create_time()) << "  " << b.files()
      << " files  " << b.bytes() << " bytes\n";
}

absl::Status Backups(const Client& c, const Args& a, std::ostream& out) {
  if (a[0] == "backup" && a.size() == 1) {
    ASSIGN_OR_RETURN(auto made, c.Call(&v1::AdminService::Stub::CreateBackup, c.admin(),
                                       v1::CreateBackupRequest()));
    PrintBackup(made.backup(), out);
    return absl::OkStatus();
  }
  if (a[0] == "backups" && a.size() == 1) {
    ASSIGN_OR_RETURN(auto all, c.Call(&v1::AdminService::Stub::ListBackups, c.admin(),
                                      v1::ListBackupsRequest()));
    for (const auto& b : all.backups()) PrintBackup(b, out);
    return absl::OkStatus();
  }
  if (a[0] == "prune-backups" && a.size() == 2) {
    v1::PruneBackupsRequest req;
    int keep = 0;
    if (!absl::SimpleAtoi(a[1], &keep)) return Usage("prune-backups KEEP");
    req.set_keep(keep);
    ASSIGN_OR_RETURN(auto left, c.Call(&v1::AdminService::Stub::PruneBackups, c.admin(), req));
    for (const auto& b : left.backups()) PrintBackup(b, out);
    return absl::OkStatus();
  }
  return Usage("backup | backups | prune-backups KEEP | verify-backup ID");
}

absl::StatusOr<int> VerifyBackup(const Client& c, const Args& a, std::ostream& out) {
  uint32_t id = 0;
  if (a.size() != 2 || !absl::SimpleAtoi(a[1], &id)) return Usage("verify-backup ID");
  v1::VerifyBackupRequest req;
  req.set_backup_id(id);
  ASSIGN_OR_RETURN(auto r, c.Call(&v1::AdminService::Stub::VerifyBackup, c.admin(), req));
  out << "backup " << id << (r.intact() ? " intact" : " DAMAGED: " + r.problem()) << "\n";
  return r.intact() ? 0 : 1;
}

absl::StatusOr<int> VerifyDatabase(const Client& c, std::ostream& out) {
  ASSIGN_OR_RETURN(auto report, c.Call(&v1::AdminService::Stub::VerifyDatabase, c.admin(),
                                       v1::VerifyDatabaseRequest()));
  out << "checksums: " << (report.checksum_error().empty() ? "ok" : report.checksum_error())
      << "\n";
  for (const auto& cf : report.column_families()) {
    out << "  " << cf.name() << ": " << cf.records() << " records";
    if (cf.damaged() > 0) out << ", " << cf.damaged() << " DAMAGED";
    if (cf.unreadable()) out << ", UNREADABLE";
    out << "\n";
  }
  out << (report.healthy() ? "database healthy\n" : "database DAMAGED\n");
  return report.healthy() ? 0 : 1;
}

}  // namespace

const char kAdminUsage[] =
    "  admin create-clinic NAME TIME_ZONE\n"
    "  admin create-user ROLE NAME [CLINIC_ID... | PATIENT_ID]\n"
    "                        ROLE: administrator, clinician, analyst, patient\n"
    "  admin users | set-clinics USER_ID CLINIC_ID... | disable-user USER_ID | enable-user USER_ID\n"
    "  admin create-key USER_ID [DESCRIPTION] [--key_out=FILE] [--key_days=N]\n"
    "  admin keys USER_ID | revoke-key KEY_ID\n"
    "  admin enroll-token CLINIC_ID | revoke-device DEVICE_ID\n"
    "  admin audit [--since=RFC3339] [--until=RFC3339] [--principal=ID] [--patient=ID]\n"
    "  admin audit-verify    recompute the audit hash chain (exit 1 if tampered)\n"
    "  admin verify          check every checksum and stored record (exit 1 on damage)\n"
    "  admin backup | backups | prune-backups KEEP | verify-backup ID   (server's --backup_dir)\n"
    "  admin restore BACKUP_DIR DATA_DIR [ID]   offline: restore a backup into a new data dir\n"
    "  admin init-cluster DIR  offline: one bootstrap administrator key and one cluster key\n"
    "                        for every shard of a deployment sharded by clinic\n";

absl::StatusOr<int> RunAdmin(const Client& client, const Args& a, const AdminOptions& options,
                             std::ostream& out) {
  if (a.empty()) return absl::InvalidArgumentError("admin: which subcommand?");
  const std::string& cmd = a[0];
  absl::Status s;
  if (cmd == "create-clinic") {
    s = CreateClinic(client, a, options.new_clinic_id, out);
  } else if (cmd == "create-user") {
    s = CreateUser(client, a, out);
  } else if (cmd == "users" && a.size() == 1) {
    s = Users(client, out);
  } else if (cmd == "set-clinics" || cmd == "disable-user" || cmd == "enable-user") {
    s = UpdateUser(client, a, out);
  } else if (cmd == "create-key") {
    s = CreateKey(client, a, options, out);
  } else if (cmd == "keys") {
    s = Keys(client, a, out);
  } else if (cmd == "revoke-key") {
    s = RevokeKey(client, a, out);
  } else if (cmd == "enroll-token") {
    s = EnrollToken(client, a, out);
  } else if (cmd == "revoke-device") {
    s = RevokeDevice(client, a, out);
  } else if (cmd == "audit" && a.size() == 1) {
    s = Audit(client, options, out);
  } else if (cmd == "audit-verify" && a.size() == 1) {
    return AuditVerify(client, out);
  } else if (cmd == "backup" || cmd == "backups" || cmd == "prune-backups") {
    s = Backups(client, a, out);
  } else if (cmd == "verify-backup") {
    return VerifyBackup(client, a, out);
  } else if (cmd == "verify" && a.size() == 1) {
    return VerifyDatabase(client, out);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("admin: unknown command \"", cmd, "\""));
  }
  if (!s.ok()) return s;
  return 0;
}

absl::Status WhoAmI(const Client& c, std::ostream& out) {
  ASSIGN_OR_RETURN(auto who, c.Call(&v1::AuthService::Stub::WhoAmI, c.auth(),
                                    v1::WhoAmIRequest()));
  out << who.principal_id() << "  " << v1::Role_Name(who.role()) << "  via "
      << who.authenticated_by();
  if (who.clinic_ids_size() > 0) out << "  clinics " << absl::StrJoin(who.clinic_ids(), ",");
  if (!who.patient_id().empty()) out << "  patient " << who.patient_id();
  out << "  shard " << who.shard_id() << "\n";
  return absl::OkStatus();
}

absl::Status IssueToken(const Client& c, int ttl_seconds, std::ostream& out) {
  v1::IssueTokenRequest req;
  req.set_ttl_seconds(ttl_seconds);
  ASSIGN_OR_RETURN(auto resp, c.Call(&v1::AuthService::Stub::IssueToken, c.auth(), req));
  out << resp.token() << "\n";
  return absl::OkStatus();
}

}  // namespace tractus::cli
