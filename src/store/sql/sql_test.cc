#include "store/sql/sql.h"

#include <gtest/gtest.h>

namespace atiende::sql {
namespace sql_test {

TEST(SqlText, PostgresNumbersPlaceholdersInOrder) {
  EXPECT_EQ(ForPostgres("SELECT a FROM t WHERE b = ? AND c < ? LIMIT ?", false),
            "SELECT a FROM t WHERE b = $1 AND c < $2 LIMIT $3");
}

TEST(SqlText, PostgresKeepsExplicitNumbers) {
  EXPECT_EQ(ForPostgres("WHERE (?1 = '' OR s = ?1) AND id < ?2 LIMIT ?3", false),
            "WHERE ($1 = '' OR s = $1) AND id < $2 LIMIT $3");
}

TEST(SqlText, ClausesRunOnlyInPostgresWrites) {
  const char* sql = "SELECT id FROM cases WHERE number = ? {FOR UPDATE}";
  EXPECT_EQ(ForPostgres(sql, true), "SELECT id FROM cases WHERE number = $1 FOR UPDATE");
  EXPECT_EQ(ForPostgres(sql, false), "SELECT id FROM cases WHERE number = $1 ");
  EXPECT_EQ(ForSqlite(sql), "SELECT id FROM cases WHERE number = ? ");
}

TEST(SqlText, PlaceholdersInsideAClauseCountOnlyWhereItRuns) {
  const char* sql = "UPDATE c SET a = ?{, s = ?, t = ?} WHERE id = ?";
  EXPECT_EQ(ForPostgres(sql, true), "UPDATE c SET a = $1, s = $2, t = $3 WHERE id = $4");
  EXPECT_EQ(ForSqlite(sql), "UPDATE c SET a = ? WHERE id = ?");
}

TEST(SqlText, QuotedTextIsLeftAlone) {
  EXPECT_EQ(ForPostgres("SELECT '?{x}' FROM t WHERE \"a?\" = ?", true),
            "SELECT '?{x}' FROM t WHERE \"a?\" = $1");
  EXPECT_EQ(ForSqlite("SELECT '{x}' WHERE a LIKE '%,' || ?4 || ',%'"),
            "SELECT '{x}' WHERE a LIKE '%,' || ?4 || ',%'");
}

TEST(SqlText, OneDeskTurnsTheDeskFilterIntoAnEquality) {
  EXPECT_EQ(OneDesk("SELECT id FROM customers c WHERE code = ?1 AND (?2 = '' OR c.desk_id = ?2)"
                    " AND (? = '' OR desk_id = ?)"),
            "SELECT id FROM customers c WHERE code = ?1 AND (?2 <> '' AND c.desk_id = ?2)"
            " AND (? <> '' AND desk_id = ?)");
  // The same placeholders, in the same order, on both backends.
  EXPECT_EQ(ForPostgres("WHERE (? = '' OR desk_id = ?) AND id = ?", false, Desks::kOne),
            "WHERE ($1 <> '' AND desk_id = $2) AND id = $3");
  EXPECT_EQ(ForSqlite("WHERE (?2 = '' OR t.desk_id = ?2)", Desks::kEvery),
            "WHERE (?2 = '' OR t.desk_id = ?2)");
  // Other ORs are not desk filters.
  EXPECT_EQ(OneDesk("WHERE (?3 = 0 OR id < ?3)"), "WHERE (?3 = 0 OR id < ?3)");
  EXPECT_EQ(OneDesk("WHERE (?2 = '' OR old_desk_id = ?2) AND (?1 = '' OR desk_id = ?1"),
            "WHERE (?2 = '' OR old_desk_id = ?2) AND (?1 = '' OR desk_id = ?1");
}

}  // namespace sql_test
}  // namespace atiende::sql
