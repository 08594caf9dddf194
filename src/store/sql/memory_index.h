// The customer search index of a transaction when the store keeps its
// customers' search texts in memory (store/memory_search.h): searches are
// answered from memory once it is loaded (before: from the backend's own
// index), and the customers the transaction writes are noted, for the store
// to apply to memory after the commit. The backend's own index is kept in
// step as before (the database stays the truth; turning memory off needs no
// rebuild).
// Thread-safety: one per transaction, used by one thread.
#pragma once

#include <vector>

#include "store/memory_search.h"
#include "store/sql/repos.h"

namespace atiende::sql {

class MemoryIndex final : public CustomerIndex {
 public:
  // `memory` may be null (no in-memory index): then a plain pass-through.
  MemoryIndex(CustomerIndex& inner, MemorySearch* memory) : inner_(inner), memory_(memory) {}

  Result<std::vector<RankedId>> Search(const CustomerQuery& q, const std::string& desk) override {
    if (memory_) {
      if (auto r = memory_->Search(q.text, desk, q.limit)) return std::move(*r);
    }
    return inner_.Search(q, desk);
  }
  Result<std::optional<int64_t>> NewId() override { return inner_.NewId(); }
  int BindColumns(Stmt& st, int first, const Customer& c) override {
    return inner_.BindColumns(st, first, c);
  }
  Status Index(const Customer& c, bool is_new) override {
    ATIENDE_RETURN_IF_ERROR(inner_.Index(c, is_new));
    if (memory_) {
      ops_.push_back({false, {c.id, c.version, c.desk, c.legal_name, c.group, c.code, c.tax_id}});
    }
    return Status::Ok();
  }
  Status Unindex(int64_t id) override {
    ATIENDE_RETURN_IF_ERROR(inner_.Unindex(id));
    if (memory_) {
      SearchDoc d;
      d.id = id;
      ops_.push_back({true, std::move(d)});
    }
    return Status::Ok();
  }

  struct Op {
    bool remove = false;
    SearchDoc doc;
  };
  // The writes noted so far (the caller applies them once committed).
  std::vector<Op> TakeOps() { return std::move(ops_); }
  static void Apply(MemorySearch& memory, const std::vector<Op>& ops) {
    for (const auto& op : ops) {
      if (op.remove) {
        memory.Remove(op.doc.id);
      } else {
        memory.Upsert(op.doc);
      }
    }
  }

 private:
  CustomerIndex& inner_;
  MemorySearch* memory_;
  std::vector<Op> ops_;
};

// The customers' search texts with id > after_id, by id, at most `limit`
// (loading a MemorySearch page by page).
Status ReadSearchDocs(Conn& c, int64_t after_id, int limit, std::vector<SearchDoc>& out);
// Those of these ids that exist (refreshing a MemorySearch).
Status ReadSearchDocsById(Conn& c, const std::vector<int64_t>& ids, std::vector<SearchDoc>& out);

}  // namespace atiende::sql
