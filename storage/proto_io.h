// Reading and writing protobuf records through the Store.
#ifndef TRACTUS_STORAGE_PROTO_IO_H_
#define TRACTUS_STORAGE_PROTO_IO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message_lite.h"
#include "storage/record_list.h"
#include "storage/store.h"

namespace tractus::storage {

// Parses a stored record into `*record` (in place, e.g. into a vector's
// element). DATA_LOSS if the bytes do not decode: a stored record that
// fails to parse is damage, never the caller's fault.
inline absl::Status ParseRecordInto(absl::string_view bytes, absl::string_view what,
                                    google::protobuf::MessageLite* record) {
  if (!record->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored ", what, " record does not decode"));
  }
  return absl::OkStatus();
}

// The same, returning the record.
template <typename T>
absl::StatusOr<T> ParseRecord(absl::string_view bytes, absl::string_view what) {
  T record;
  if (absl::Status s = ParseRecordInto(bytes, what, &record); !s.ok()) return s;
  return record;
}

// The record under `key`: NOT_FOUND if absent, DATA_LOSS if undecodable.
template <typename T>
absl::StatusOr<T> GetRecord(const Store& store, Cf cf, absl::string_view key,
                            absl::string_view what) {
  absl::StatusOr<std::string> bytes = store.Get(cf, key);
  if (!bytes.ok()) return bytes.status();
  return ParseRecord<T>(*bytes, what);
}

// The records under `keys`, in the order of `keys`, read together
// (Store::GetMany) and parsed onto one arena (storage/record_list.h).
// NOT_FOUND naming the first absent key's position, DATA_LOSS if one does
// not decode.
template <typename T>
absl::StatusOr<RecordList<T>> GetRecordList(const Store& store, Cf cf,
                                            const std::vector<std::string>& keys,
                                            absl::string_view what) {
  RecordList<T> records;
  size_t next = 0;  // GetMany reports present keys in order of their index
  absl::Status decoded;
  absl::Status read = store.GetMany(cf, keys, [&](size_t i, absl::string_view bytes) {
    if (!decoded.ok()) return;
    if (i != next) {
      decoded = absl::NotFoundError(
          absl::StrCat("no ", what, " record (", next + 1, " of ", keys.size(), ")"));
      return;
    }
    ++next;
    decoded = ParseRecordInto(bytes, what, records.Add());
  });
  if (!read.ok()) return read;
  if (!decoded.ok()) return decoded;
  if (next != keys.size()) {
    return absl::NotFoundError(
        absl::StrCat("no ", what, " record (", next + 1, " of ", keys.size(), ")"));
  }
  return records;
}

inline void PutRecord(WriteBatch& batch, Cf cf, absl::string_view key,
                      const google::protobuf::MessageLite& record) {
  batch.Put(cf, key, record.SerializeAsString());
}

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_PROTO_IO_H_
