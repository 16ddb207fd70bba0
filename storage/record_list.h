// RecordList<T>: stored records of one kind parsed onto one protobuf arena
// — no allocation per string or sub-message, and all freed at once — for
// the views computed from a whole episode (an export reads millions of
// records). Iterates as const T&, in the order the records were added.
//
// Thread-compatible. Movable; a moved-from list may only be destroyed or
// assigned to.
#ifndef TRACTUS_STORAGE_RECORD_LIST_H_
#define TRACTUS_STORAGE_RECORD_LIST_H_

#include <google/protobuf/arena.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <cstddef>
#include <memory>

namespace tractus::storage {

template <typename T>
class RecordList {
 public:
  using const_iterator = typename google::protobuf::RepeatedPtrField<T>::const_iterator;

  RecordList()
      : arena_(std::make_unique<google::protobuf::Arena>(ArenaOptions())),
        items_(google::protobuf::Arena::CreateMessage<google::protobuf::RepeatedPtrField<T>>(
            arena_.get())) {}
  RecordList(RecordList&&) = default;
  RecordList& operator=(RecordList&&) = default;

  const_iterator begin() const { return items_->begin(); }
  const_iterator end() const { return items_->end(); }
  size_t size() const { return static_cast<size_t>(items_->size()); }
  bool empty() const { return items_->empty(); }
  const T& operator[](size_t i) const { return items_->Get(static_cast<int>(i)); }

  // A new, empty record at the end, on the arena.
  T* Add() { return items_->Add(); }

 private:
  static google::protobuf::ArenaOptions ArenaOptions() {
    google::protobuf::ArenaOptions options;
    // An episode's records (~100-200 observations, ~300 bytes each parsed;
    // or its ~24 sessions) in a few blocks.
    options.start_block_size = 16 << 10;
    options.max_block_size = 64 << 10;
    return options;
  }

  std::unique_ptr<google::protobuf::Arena> arena_;
  google::protobuf::RepeatedPtrField<T>* items_;  // on *arena_
};

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_RECORD_LIST_H_
