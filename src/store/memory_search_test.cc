#include "store/memory_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/text.h"
#include "store/search_rank.h"

namespace atiende {
namespace memory_search_test {

SearchDoc Doc(int64_t id, const std::string& desk, const std::string& name,
              const std::string& group = "", const std::string& code = "",
              const std::string& tax = "", int64_t version = 1) {
  return {id, version, desk, name, group, code.empty() ? "C" + std::to_string(id) : code, tax};
}

std::vector<int64_t> Ids(const MemorySearch& m, const std::string& q,
                         const std::string& desk = "d1", int limit = 20) {
  auto r = m.Search(q, desk, limit);
  std::vector<int64_t> ids;
  if (r) {
    for (const auto& h : *r) ids.push_back(h.id);
  }
  return ids;
}

bool Has(const std::vector<int64_t>& v, int64_t id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

std::vector<SearchDoc> Sample() {
  return {
      Doc(1, "d1", "Scotiabank Colpatría S.A.", "Grupo Scotiabank", "CIR-001", "860.034.594-1"),
      Doc(2, "d1", "Radio Cadena Nacional S.A.S.", "RCN", "C2", "890.903.910-2"),
      Doc(3, "d1", "Colombina S.A.", "Grupo Colombina", "C3", "890.301.884-5"),
      Doc(4, "d1", "Banco de Bogotá", "Grupo Aval", "C4", "860.002.964-4"),
      Doc(5, "d1", "Bancolombia S.A.", "Grupo Bancolombia", "C5", "890.903.938-8"),
      Doc(6, "d1", "Transportes Gómez Ltda.", "", "C6", ""),
      Doc(7, "d1", "TRANSPORTES GOMEZ S.A.S.", "", "C7", ""),
      Doc(8, "d2", "Banco de Bogotá", "Grupo Aval", "C8", "860.002.964-4"),
      Doc(9, "d2", "Abastible S.A.", "Copec", "Z9", "91.806.000-6"),
  };
}

TEST(MemorySearch, NotReadyUntilLoaded) {
  MemorySearch m;
  EXPECT_FALSE(m.ready());
  EXPECT_FALSE(m.Search("banco", "d1", 20).has_value());
  m.Load(Sample());
  EXPECT_TRUE(m.ready());
  EXPECT_EQ(m.stats().docs, 9u);
  m.Clear();
  EXPECT_FALSE(m.Search("banco", "d1", 20).has_value());
}

TEST(MemorySearch, FindsWordsPrefixesCodesAndTaxIds) {
  MemorySearch m;
  m.Load(Sample());
  EXPECT_EQ(Ids(m, "colpatria").front(), 1);
  EXPECT_EQ(Ids(m, "Colpatría").front(), 1);  // folded like the names
  auto ban = Ids(m, "ban");                   // the word being typed, as a prefix
  EXPECT_TRUE(Has(ban, 4) && Has(ban, 5));
  EXPECT_FALSE(Has(ban, 1) || Has(ban, 3));  // "scotiabank" has "ban" inside, not first
  auto co = Ids(m, "co");                    // two letters: every word starting with them
  EXPECT_TRUE(Has(co, 1) && Has(co, 3));
  EXPECT_FALSE(Has(co, 5));
  EXPECT_EQ(Ids(m, "cir-001").front(), 1);        // the code
  EXPECT_EQ(Ids(m, "860.034.594-1").front(), 1);  // the tax id as written
  EXPECT_EQ(Ids(m, "8600345941").front(), 1);     // its digits alone
  EXPECT_EQ(Ids(m, "86003459").front(), 1);       // a prefix of them
  EXPECT_EQ(Ids(m, "rcn").front(), 2);            // the initials (and the group)
  EXPECT_EQ(Ids(m, "grupo aval").front(), 4);     // the group
  EXPECT_TRUE(Ids(m, "nonexistent").empty());
  EXPECT_TRUE(Ids(m, "   ").empty());
}

TEST(MemorySearch, ForgivesTypos) {
  MemorySearch m;
  m.Load(Sample());
  EXPECT_EQ(Ids(m, "colaptria").front(), 1);   // transposition
  EXPECT_EQ(Ids(m, "colombinna").front(), 3);  // insertion
  EXPECT_EQ(Ids(m, "bancolombiaa").front(), 5);
  // A wrong second word does not hide the company the first names.
  EXPECT_TRUE(Has(Ids(m, "colombina zzzzzz"), 3));
  // Short tokens allow no typo.
  EXPECT_TRUE(Ids(m, "rnc").empty());
}

TEST(MemorySearch, RanksAsRankCandidatesWithTies) {
  MemorySearch m;
  m.Load(Sample());
  // 6 and 7 fold to the same name: same score, same length: the lower id first.
  auto r = *m.Search("transportes gomez", "d1", 20);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, 6);
  EXPECT_EQ(r[1].id, 7);
  EXPECT_DOUBLE_EQ(r[0].score, r[1].score);
  // Scores are RankCandidates' on the folded texts.
  for (const char* q : {"banco", "ban", "colpatria", "transportes"}) {
    auto got = *m.Search(q, "d1", 20);
    std::vector<SearchCandidate> all;
    for (const auto& d : Sample()) {
      if (d.desk != "d1") continue;
      SearchTexts t = FoldForSearch(d.legal_name, d.group, d.code, d.tax_id);
      all.push_back({d.id, t.name, t.grp, t.keys});
    }
    std::string folded;
    for (const auto& t : SearchTokens(q)) folded += (folded.empty() ? "" : " ") + t;
    auto want = RankCandidates(folded, all, 20);
    ASSERT_EQ(got.size(), want.size()) << q;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].id, want[i].id) << q << " #" << i;
      EXPECT_DOUBLE_EQ(got[i].score, want[i].score) << q << " #" << i;
    }
  }
}

TEST(MemorySearch, ShortNamesWinAmongManyPrefixMatches) {
  // 5,000 customers start with "ma": the shortest names (best ranked) come
  // first however many match, and the limit holds.
  std::vector<SearchDoc> docs;
  for (int i = 1; i <= 5000; ++i) {
    docs.push_back(Doc(i, "d1", "Mariscos Del Pacifico Numero " + std::to_string(i)));
  }
  docs.push_back(Doc(9001, "d1", "Ma"));
  docs.push_back(Doc(9002, "d1", "Marinos"));
  MemorySearch m;
  m.Load(docs);
  auto r = Ids(m, "ma", "d1", 5);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0], 9001);  // the exact word
  EXPECT_EQ(r[1], 9002);  // a one-word name
}

TEST(MemorySearch, DeskIsolation) {
  MemorySearch m;
  m.Load(Sample());
  auto d1 = Ids(m, "banco de bogota", "d1");
  auto d2 = Ids(m, "banco de bogota", "d2");
  EXPECT_TRUE(Has(d1, 4));
  EXPECT_FALSE(Has(d1, 8));
  EXPECT_TRUE(Has(d2, 8));
  EXPECT_FALSE(Has(d2, 4));
  EXPECT_TRUE(Ids(m, "abastible", "d1").empty());
  EXPECT_TRUE(Ids(m, "8600029644", "d1") == std::vector<int64_t>{4});
  EXPECT_TRUE(Ids(m, "banco", "no-such-desk").empty());
  auto every = Ids(m, "banco de bogota", "");  // "" is every desk
  EXPECT_TRUE(Has(every, 4) && Has(every, 8));
  // A customer moved to another desk leaves the first.
  m.Upsert(Doc(4, "d2", "Banco de Bogotá", "Grupo Aval", "C4", "860.002.964-4", 2));
  EXPECT_FALSE(Has(Ids(m, "banco de bogota", "d1"), 4));
  EXPECT_TRUE(Has(Ids(m, "banco de bogota", "d2"), 4));
}

TEST(MemorySearch, UpdatesAndDeletes) {
  MemorySearch m;
  m.Load(Sample());
  m.Upsert(Doc(3, "d1", "Dulces del Valle", "", "C3", "", 2));
  EXPECT_FALSE(Has(Ids(m, "colombina"), 3));
  EXPECT_EQ(Ids(m, "dulces").front(), 3);
  // An older version arriving late (another thread's commit) changes nothing.
  m.Upsert(Doc(3, "d1", "Colombina S.A.", "", "C3", "", 1));
  EXPECT_FALSE(Has(Ids(m, "colombina"), 3));
  m.Upsert(Doc(100, "d1", "Nuevo Cliente Ltda."));
  EXPECT_EQ(Ids(m, "nuevo").front(), 100);
  EXPECT_EQ(Ids(m, "nuevo cliente").front(), 100);
  EXPECT_EQ(Ids(m, "nuevvo").front(), 100);  // new words are typo candidates too
  m.Remove(100);
  m.Remove(1);
  EXPECT_TRUE(Ids(m, "nuevo").empty());
  EXPECT_TRUE(Ids(m, "colpatria").empty());
  EXPECT_EQ(m.stats().docs, 8u);
  m.Remove(12345);  // unknown: no-op
  EXPECT_EQ(m.stats().docs, 8u);
}

TEST(MemorySearch, ManyWritesMergeIntoTheBase) {
  MemorySearch m;
  m.Load(Sample());
  for (int i = 0; i < 3000; ++i) {
    m.Upsert(Doc(1000 + i, "d1", "Empresa Numero " + std::to_string(i)));
  }
  for (int i = 0; i < 3000; i += 2) m.Remove(1000 + i);
  EXPECT_GT(m.stats().merges, 0u);
  EXPECT_EQ(m.stats().docs, 9u + 1500u);
  EXPECT_EQ(Ids(m, "empresa numero 2999").front(), 3999);
  EXPECT_FALSE(Has(Ids(m, "empresa numero 2998"), 3998));
  EXPECT_EQ(Ids(m, "colpatria").front(), 1);
  m.Compact();
  EXPECT_EQ(m.stats().delta, 0u);
  EXPECT_EQ(Ids(m, "empresa numero 2999").front(), 3999);
}

TEST(MemorySearch, RebuildKeepsWritesMadeWhileLoading) {
  MemorySearch m;
  m.Load(Sample());
  // A rebuild: the old index answers until the new one is in place, and
  // writes committed while the pages are read are replayed on it.
  m.BeginLoad();
  auto docs = Sample();
  m.LoadPage({docs.begin(), docs.begin() + 4});
  m.Upsert(Doc(50, "d1", "Escrito Durante Carga"));
  m.Remove(2);  // already read: the replay removes it
  EXPECT_EQ(Ids(m, "colpatria").front(), 1);
  m.LoadPage({docs.begin() + 4, docs.end()});
  m.FinishLoad();
  EXPECT_EQ(Ids(m, "escrito").front(), 50);
  EXPECT_TRUE(Ids(m, "radio cadena").empty());
  EXPECT_EQ(Ids(m, "colombina").front(), 3);
  EXPECT_EQ(m.stats().docs, 9u);
}

}  // namespace memory_search_test
}  // namespace atiende
