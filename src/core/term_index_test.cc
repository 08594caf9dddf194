#include "core/term_index.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace atiende {
namespace term_index_test {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(TermIndex, FindsTermsOneEditAway) {
  TermIndex idx;
  for (const char* t : {"lulle", "ardila", "colpatria", "colombina", "salud"}) idx.Add(t);
  EXPECT_TRUE(Has(idx.Lookup("lule", 1), "lulle"));           // deletion
  EXPECT_TRUE(Has(idx.Lookup("ardilla", 1), "ardila"));       // insertion
  EXPECT_TRUE(Has(idx.Lookup("colpatrla", 1), "colpatria"));  // substitution
  EXPECT_TRUE(Has(idx.Lookup("colaptria", 1), "colpatria"));  // transposition
  EXPECT_FALSE(Has(idx.Lookup("colpatria", 1), "colombina"));
  EXPECT_TRUE(idx.Lookup("salud", 1).empty());  // the token itself is not returned
}

TEST(TermIndex, DistanceTwoOnlyWhenAllowed) {
  TermIndex idx;
  idx.Add("tecnoquimicas");
  // Two extra letters: a double deletion on the query side finds the term.
  EXPECT_FALSE(Has(idx.Lookup("tecnnoquimicass", 1), "tecnoquimicas"));
  EXPECT_TRUE(Has(idx.Lookup("tecnnoquimicass", 2), "tecnoquimicas"));
  // One extra letter and one substitution: shares a one-deletion key.
  EXPECT_TRUE(Has(idx.Lookup("tecnoquimikass", 2), "tecnoquimicas"));
}

TEST(TermIndex, ManyTermsStayFindableAcrossCompaction) {
  TermIndex idx;
  for (int i = 0; i < 5000; ++i) idx.Add("empresa" + std::to_string(i));
  idx.Add("empresa");
  EXPECT_EQ(idx.size(), 5001u);
  EXPECT_TRUE(Has(idx.Lookup("empresa12x", 1), "empresa12"));
  EXPECT_TRUE(Has(idx.Lookup("empresa4999", 1), "empresa499"));
  idx.Add("empresa12");  // duplicates are ignored
  EXPECT_EQ(idx.size(), 5001u);
}

TEST(TermIndex, BulkAndIncrementalAdditionsAgree) {
  TermIndex bulk, one_by_one;
  std::vector<std::string> terms;
  for (int i = 0; i < 20000; ++i) {
    std::string t = "t";  // not "t" + …: GCC 12 at -O3 warns of that (bug 105651)
    t += std::to_string(i * 7919 % 100003);
    terms.push_back(std::move(t));
  }
  bulk.AddAll(terms);
  for (const auto& t : terms) one_by_one.Add(t);
  EXPECT_EQ(bulk.size(), one_by_one.size());
  for (const char* q : {"t123", "t99999", "t5000x", "t1"}) {
    auto a = bulk.Lookup(q, 1), b = one_by_one.Lookup(q, 1);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b) << q;
    EXPECT_FALSE(a.empty()) << q;
  }
}

}  // namespace term_index_test
}  // namespace atiende
