// ObservationList: an episode's observations parsed onto one protobuf arena
// — no allocation per id, unit or timestamp, and all freed at once — for the
// views computed from a whole episode (an export reads a million of them).
// Iterates as const v1::Observation&, in the order they were added.
//
// Thread-compatible. Movable; a moved-from list may only be destroyed or
// assigned to.
#ifndef TRACTUS_RECORDS_OBSERVATION_LIST_H_
#define TRACTUS_RECORDS_OBSERVATION_LIST_H_

#include <google/protobuf/arena.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <cstddef>
#include <memory>

#include "tractus/v1/observation.pb.h"

namespace tractus::records {

class ObservationList {
 public:
  using const_iterator = google::protobuf::RepeatedPtrField<v1::Observation>::const_iterator;

  ObservationList();
  ObservationList(ObservationList&&) = default;
  ObservationList& operator=(ObservationList&&) = default;

  const_iterator begin() const { return items_->begin(); }
  const_iterator end() const { return items_->end(); }
  size_t size() const { return static_cast<size_t>(items_->size()); }
  bool empty() const { return items_->empty(); }
  const v1::Observation& operator[](size_t i) const { return items_->Get(static_cast<int>(i)); }

  // A new, empty observation at the end, on the arena.
  v1::Observation* Add() { return items_->Add(); }

 private:
  std::unique_ptr<google::protobuf::Arena> arena_;
  google::protobuf::RepeatedPtrField<v1::Observation>* items_;  // on *arena_
};

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_OBSERVATION_LIST_H_
