#include "security/audit_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/secrets.h"
#include "common/status_macros.h"
#include "records/pagination.h"
#include "records/time_proto.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::security {
namespace {

using records::FromProto;
using records::ToProto;
using storage::Cf;

absl::Status Damaged(uint64_t sequence) {
  return absl::DataLossError(absl::StrCat("audit entry ", sequence,
                                          " is missing or damaged; run tractus admin audit-verify"));
}

}  // namespace

std::string ChainHash(absl::string_view previous_hash, const v1::AuditEntry& e) {
  storage::KeyWriter w;
  w.Str(previous_hash)
      .U64(e.sequence())
      .I64(absl::ToUnixMicros(FromProto(e.time())))
      .Str(e.principal_id())
      .U32(static_cast<uint32_t>(e.role()))
      .Str(e.method())
      .Str(e.clinic_id())
      .Str(e.patient_id())
      .Str(e.episode_id())
      .Str(e.export_id())
      .Str(e.outcome())
      .Str(e.peer());
  // Added later: hashed only when set, so every entry written before they
  // existed (both empty) keeps its hash.
  if (!e.session_id().empty() || !e.device_id().empty()) {
    w.Str(e.session_id()).Str(e.device_id());
  }
  return Sha256(w.key());
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(storage::Store* store,
                                                         const Clock* clock) {
  std::unique_ptr<AuditLog> log(new AuditLog(store, clock));
  auto head = storage::GetRecord<v1::AuditEntry>(*store, Cf::kMeta, storage::AuditHeadKey(),
                                                 "audit head");
  if (absl::IsNotFound(head.status())) {
    // No head: a new log, unless entries exist (the head was deleted). Then
    // continue after the last entry, never over it, and let Verify() say so.
    std::string last;
    RETURN_IF_ERROR(store->Scan(Cf::kAudit, "", "", [&](absl::string_view, absl::string_view v) {
      last = std::string(v);
      return true;
    }));
    if (last.empty()) return log;
    head = storage::ParseRecord<v1::AuditEntry>(last, "audit entry");
    log->head_was_missing_ = true;
  }
  RETURN_IF_ERROR(head.status());
  absl::MutexLock lock(&log->mu_);
  log->head_ = std::move(*head);
  log->tail_ = log->head_;
  return log;
}

absl::Status AuditLog::Append(v1::AuditEntry entry) {
  mu_.Lock();
  entry.set_sequence(tail_.sequence() + 1);
  absl::Time now = clock_->Now();
  if (tail_.has_time()) now = std::max(now, FromProto(tail_.time()));
  *entry.mutable_time() = ToProto(now);
  entry.clear_hash();
  entry.set_hash(ChainHash(tail_.hash(), entry));
  tail_ = entry;
  Waiter me;
  queued_.push_back({std::move(entry), &me});
  const auto wake = [this, &me]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return me.done || !writing_;
  };
  while (!me.done) {
    if (writing_) {
      mu_.Await(absl::Condition(&wake));
      continue;
    }
    // Lead: write everything queued so far in one batch.
    writing_ = true;
    std::vector<Queued> batch;
    batch.swap(queued_);
    mu_.Unlock();
    storage::WriteBatch write;
    for (const Queued& q : batch) {
      storage::PutRecord(write, Cf::kAudit, storage::AuditKey(q.entry.sequence()), q.entry);
    }
    storage::PutRecord(write, Cf::kMeta, storage::AuditHeadKey(), batch.back().entry);
    const absl::Status written = store_->Write(write);
    mu_.Lock();
    writing_ = false;
    if (written.ok()) {
      head_ = batch.back().entry;
    } else {
      // Entries queued meanwhile chain onto the lost ones: they fail too.
      for (Queued& q : queued_) batch.push_back(std::move(q));
      queued_.clear();
      tail_ = head_;
    }
    for (Queued& q : batch) {
      q.waiter->done = true;
      q.waiter->status = written;
    }
  }
  mu_.Unlock();
  return me.status;
}

uint64_t AuditLog::head_sequence() const {
  absl::MutexLock lock(&mu_);
  return head_.sequence();
}

std::string AuditLog::head_hash() const {
  absl::MutexLock lock(&mu_);
  return head_.hash();
}

absl::StatusOr<uint64_t> AuditLog::FirstAtOrAfter(absl::Time t, uint64_t head) const {
  uint64_t lo = 1, hi = head + 1;  // answer in [lo, hi]
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    auto entry = storage::GetRecord<v1::AuditEntry>(*store_, Cf::kAudit, storage::AuditKey(mid),
                                                    "audit entry");
    if (absl::IsNotFound(entry.status())) return Damaged(mid);
    RETURN_IF_ERROR(entry.status());
    if (FromProto(entry->time()) >= t) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

absl::StatusOr<v1::QueryAuditLogResponse> AuditLog::Query(
    const v1::QueryAuditLogRequest& req) const {
  Violations v;
  if (req.has_start_time() && !records::IsValidTimestamp(req.start_time())) {
    v.Add("start_time", "not a valid timestamp");
  }
  if (req.has_end_time() && !records::IsValidTimestamp(req.end_time())) {
    v.Add("end_time", "not a valid timestamp");
  }
  if (v.empty() && req.has_start_time() && req.has_end_time() &&
      FromProto(req.end_time()) <= FromProto(req.start_time())) {
    v.Add("end_time", "must be after start_time");
  }
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(int page_size, records::EffectivePageSize(req.page_size(), 100));
  const uint64_t head = head_sequence();
  uint64_t first = 1, last = head + 1;
  if (req.has_start_time()) {
    ASSIGN_OR_RETURN(first, FirstAtOrAfter(FromProto(req.start_time()), head));
  }
  if (req.has_end_time()) {
    ASSIGN_OR_RETURN(last, FirstAtOrAfter(FromProto(req.end_time()), head));
  }
  v1::QueryAuditLogResponse resp;
  if (first >= last) return resp;
  v1::QueryAuditLogRequest scope = req;
  scope.clear_page_size();
  scope.clear_page_token();
  records::PageQuery query{Cf::kAudit, storage::AuditKey(first), storage::AuditKey(last),
                           absl::StrCat("audit/", scope.SerializeAsString()), page_size,
                           req.page_token()};
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      records::ScanPage(*store_, query,
                        [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                          ASSIGN_OR_RETURN(v1::AuditEntry entry,
                                           storage::ParseRecord<v1::AuditEntry>(value, "audit entry"));
                          if (!req.principal_id().empty() &&
                              entry.principal_id() != req.principal_id()) {
                            return false;
                          }
                          if (!req.patient_id().empty() && entry.patient_id() != req.patient_id()) {
                            return false;
                          }
                          *resp.add_entries() = std::move(entry);
                          return true;
                        }));
  return resp;
}

absl::StatusOr<v1::VerifyAuditLogResponse> AuditLog::Verify() const {
  v1::AuditEntry head;
  {
    absl::MutexLock lock(&mu_);
    head = head_;
  }
  v1::VerifyAuditLogResponse resp;
  uint64_t expected = 1;
  std::string previous_hash;
  const auto fail = [&](uint64_t sequence, std::string problem) {
    if (resp.first_bad_sequence() != 0) return;
    resp.set_first_bad_sequence(sequence);
    resp.set_problem(std::move(problem));
  };
  // Entries appended after the head was read are not checked this time.
  RETURN_IF_ERROR(store_->Scan(
      Cf::kAudit, "", storage::AuditKey(head.sequence() + 1),
      [&](absl::string_view key, absl::string_view value) {
        auto sequence = storage::DecodeAuditKey(key);
        if (!sequence.ok()) {
          fail(expected, "an entry is stored under a malformed key");
          return false;
        }
        if (*sequence != expected) {
          fail(expected, absl::StrCat("entries ", expected, "..", *sequence - 1,
                                      " are missing (deleted)"));
          return false;
        }
        auto entry = storage::ParseRecord<v1::AuditEntry>(value, "audit entry");
        if (!entry.ok()) {
          fail(expected, "the entry does not decode (altered)");
          return false;
        }
        if (entry->sequence() != expected || ChainHash(previous_hash, *entry) != entry->hash()) {
          fail(expected, "the entry's hash does not match its content and predecessor (altered)");
          return false;
        }
        previous_hash = entry->hash();
        resp.set_entries_checked(expected);
        ++expected;
        return true;
      }));
  if (resp.first_bad_sequence() == 0) {
    if (head_was_missing_) {
      fail(head.sequence(), "the chain head record was missing at startup (deleted)");
    } else if (resp.entries_checked() != head.sequence()) {
      fail(resp.entries_checked() + 1,
           absl::StrCat("the chain head names entry ", head.sequence(), " but the log ends at ",
                        resp.entries_checked(), " (entries deleted)"));
    } else if (previous_hash != head.hash()) {
      fail(head.sequence(), "the last entry does not match the chain head (altered)");
    }
  }
  resp.set_intact(resp.first_bad_sequence() == 0);
  return resp;
}

}  // namespace tractus::security
