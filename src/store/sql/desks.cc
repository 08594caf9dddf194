// Desks, for both backends: the id, version and times as columns, the
// settings as a JSON document (json/desk_json.h).
#include "json/desk_json.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace {

#define DESK_SELECT "SELECT id, doc, version, created_at, updated_at FROM desks "

Desk ReadDesk(const Stmt& s) {
  Desk d = json::DeskFromDoc(s.Text(1));
  d.id = s.Text(0);
  d.version = s.Int(2);
  d.created_at = At(s.Int(3));
  d.updated_at = At(s.Int(4));
  return d;
}

}  // namespace

Result<Desk> SqlDesks::Get(std::string_view id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(DESK_SELECT "WHERE id = ?"));
  st->Bind(1, id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no desk \"" + std::string(id) + "\"");
  return ReadDesk(*st);
}

Result<std::vector<Desk>> SqlDesks::List() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(DESK_SELECT "ORDER BY id"));
  return ReadAll<Desk>(*st, ReadDesk);
}

Status SqlDesks::Insert(Desk& d) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("INSERT INTO desks(id, doc, version, created_at,"
                                             " updated_at) VALUES (?, ?, 1, ?, ?)"));
  st->Bind(1, d.id).Bind(2, json::DeskDoc(d)).Bind(3, Us(d.created_at)).Bind(4, Us(d.updated_at));
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("desk \"" + d.id + "\" already exists", "id");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  d.version = 1;
  return Status::Ok();
}

Status SqlDesks::Update(const Desk& d) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("UPDATE desks SET doc = ?, version = ?,"
                                             " updated_at = ? WHERE id = ? AND version = ?"));
  st->Bind(1, json::DeskDoc(d)).Bind(2, d.version).Bind(3, Us(d.updated_at));
  st->Bind(4, d.id).Bind(5, d.version - 1);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() > 0) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(Desk stored, Get(d.id));
  return Status::VersionConflict("desk " + d.id + " is at version " +
                                 std::to_string(stored.version) + ", not " +
                                 std::to_string(d.version - 1))
      .WithSubject(d.id);
}

Status SqlDesks::Delete(std::string_view id) {
  // What belongs to a desk without a foreign key to it (the records go with
  // their customers, which have one) is checked here.
  static const char* const kInUse[] = {
      "SELECT 1 FROM customers WHERE desk_id = ? LIMIT 1",
      "SELECT 1 FROM user_desks WHERE desk_id = ? LIMIT 1",
      "SELECT 1 FROM tickets WHERE desk_id = ? LIMIT 1",
      "SELECT 1 FROM interactions WHERE desk_id = ? LIMIT 1",
      "SELECT 1 FROM notices WHERE desk_id = ? LIMIT 1",
      "SELECT 1 FROM cases WHERE desk_id = ? LIMIT 1",
      "SELECT 1 FROM mail_outbox WHERE desk_id = ? LIMIT 1",
  };
  for (const char* sql : kInUse) {
    ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(sql));
    st->Bind(1, id);
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row) {
      return Status::Conflict("desk \"" + std::string(id) +
                              "\" still has customers, users or records; it cannot be removed")
          .WithReason("desk_in_use");
    }
  }
  for (const char* sql : {"DELETE FROM directory_lists WHERE desk_id = ?",
                          "DELETE FROM number_series WHERE desk_id = ?"}) {
    ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(sql));
    st->Bind(1, id);
    ATIENDE_RETURN_IF_ERROR(st->Run());
  }
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("DELETE FROM desks WHERE id = ?"));
  st->Bind(1, id);
  Status s = st->Run();
  if (s.code() == Status::Code::kConflict) {
    return Status::Conflict("desk \"" + std::string(id) + "\" is still in use")
        .WithReason("desk_in_use");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  if (st->Changes() == 0) return Status::NotFound("no desk \"" + std::string(id) + "\"");
  return Status::Ok();
}

}  // namespace atiende::sql
