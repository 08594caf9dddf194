#include "core/text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace atiende::text {
namespace text_test {

TEST(IsValidUtf8, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("COLOMBINA S. A."));
  EXPECT_TRUE(IsValidUtf8("Scotiabank Colpatría S.A."));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));         // € (3 bytes)
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80 ok"));  // 😀 (4 bytes)
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));     // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));         // U+D7FF, just below the surrogates
}

TEST(IsValidUtf8, RejectsMalformed) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong, 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated 2-byte
  EXPECT_FALSE(IsValidUtf8("ab\xE2\x82"));        // truncated 3-byte
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));      // truncated 4-byte
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98\x41"));  // bad continuation ('A')
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Fold, CaseAccentsAndSeparators) {
  EXPECT_EQ(Fold("Scotiabank Colpatría S.A."), "scotiabank colpatria sa");
  EXPECT_EQ(Fold("ÑANDÚ Ñoño"), "nandu nono");
  EXPECT_EQ(Fold("  ORGANIZACIÓN ARDILA LULLE - CAL  "), "organizacion ardila lulle cal");
  EXPECT_EQ(Fold("Straße"), "strasse");
  EXPECT_EQ(Fold("ﬁnanciera №5"), "financiera no5");  // compatibility decomposition
  EXPECT_EQ(Fold("Colpa\xC2\xADtria"), "colpatria");  // soft hyphen is ignorable
  EXPECT_EQ(Fold("a\u00A0b/c&d,e"), "a b c d e");     // NBSP and punctuation separate
  EXPECT_EQ(Fold("...---"), "");
  EXPECT_EQ(Tokens(Fold("\uFDFA")).size(), 4u);  // longest compatibility decomposition (18)
  EXPECT_EQ(Fold(""), "");
}

TEST(Fold, DottedInitialsJoin) {
  EXPECT_EQ(Fold("VIRREY SOLIS I.P.S. S.A."), "virrey solis ips sa");
  EXPECT_EQ(Fold("RADIO CADENA NACIONAL S.A.S."), "radio cadena nacional sas");
  EXPECT_EQ(Fold("COLOMBINA S. A."), "colombina sa");
  EXPECT_EQ(Fold("COLOMBINA S. A"), "colombina sa");
  EXPECT_EQ(Fold("SALUD TOTAL EPS-S S.A"), "salud total eps s sa");
  EXPECT_EQ(Fold("GOMEZ S.A. Y CIA"), "gomez sa y cia");  // no spaced link after a compact one
  EXPECT_EQ(Fold("S. A.S."), "sas");                      // a compact link after a spaced one
  EXPECT_EQ(Fold("Pérez A. y Cía"), "perez a y cia");     // "y" is not a dotted initial
  EXPECT_EQ(Fold("S.A. de C.V."), "sa de cv");
  EXPECT_EQ(Fold("A B C"), "a b c");  // spaces alone never join
  EXPECT_EQ(Fold("A-B.C"), "a bc");
  EXPECT_EQ(Fold("Á.É."), "ae");
  EXPECT_EQ(Fold("1.5"), "1 5");  // digits are not initials
}

TEST(Fold, InvalidUtf8IsDroppedWithoutCrashing) {
  const std::string latin1 = std::string("Colpatr") + '\xED' + "a S.A.";  // Latin-1 í
  EXPECT_EQ(Fold(latin1), "colpatra sa");
  const std::string mixed = std::string("\xC0\xAF") + "abc" + "\xED\xA0\x80" + "def\xF0\x9F";
  EXPECT_EQ(Fold(mixed), "abcdef");
  EXPECT_EQ(Fold("\xFF\xFE\x80"), "");
  std::mt19937 rng(7);
  for (int n = 0; n < 2000; ++n) {
    std::string s(rng() % 24, '\0');
    for (char& ch : s) ch = static_cast<char>(rng());
    const std::string folded = Fold(s);
    EXPECT_TRUE(IsValidUtf8(folded)) << n;
    EXPECT_EQ(folded.find("  "), std::string::npos);
  }
}

TEST(Tokens, SplitsOnSpaces) {
  EXPECT_EQ(Tokens("radio cadena nacional"),
            (std::vector<std::string>{"radio", "cadena", "nacional"}));
  EXPECT_EQ(Tokens(" a  b "), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Tokens("").empty());
}

TEST(FoldName, DropsLegalSuffixes) {
  EXPECT_EQ(FoldName("Scotiabank Colpatría S.A."), "scotiabank colpatria");
  EXPECT_EQ(FoldName("RADIO CADENA NACIONAL S.A.S."), "radio cadena nacional");
  EXPECT_EQ(FoldName("COLOMBINA S. A."), "colombina");
  EXPECT_EQ(FoldName("SALUD TOTAL EPS-S S.A"), "salud total eps s");
  EXPECT_EQ(FoldName("VIRREY SOLIS I.P.S. S.A."), "virrey solis ips");
  EXPECT_EQ(FoldName("GÓMEZ Y CÍA. LTDA."), "gomez");
  EXPECT_EQ(FoldName("Inversiones López S. en C."), "inversiones lopez");
  EXPECT_EQ(FoldName("ETB S.A. E.S.P."), "etb");
  EXPECT_EQ(FoldName("Bimbo S.A. de C.V."), "bimbo");
  EXPECT_EQ(FoldName("Tienda S.A.S. BIC"), "tienda");
  EXPECT_EQ(FoldName("ORGANIZACIÓN ARDILA LULLE - CAL"), "organizacion ardila lulle cal");
  EXPECT_EQ(FoldName("SA Mining"), "sa mining");  // only at the end
}

TEST(FoldName, NeverDropsTheOnlyToken) {
  EXPECT_EQ(FoldName("S.A."), "sa");
  EXPECT_EQ(FoldName("Ltda S.A."), "ltda");
  EXPECT_EQ(FoldName("S. en C."), "s en c");
  EXPECT_EQ(FoldName(""), "");
}

// Textbook OSA distance, to check the banded version against.
int ReferenceOsa(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

TEST(EditDistance, Basics) {
  EXPECT_EQ(EditDistance("", "", 2), 0);
  EXPECT_EQ(EditDistance("abc", "", 3), 3);
  EXPECT_EQ(EditDistance("colpatria", "colpatria", 2), 0);
  EXPECT_EQ(EditDistance("lule", "lulle", 1), 1);           // insertion
  EXPECT_EQ(EditDistance("colombina", "colonbina", 2), 1);  // substitution
  EXPECT_EQ(EditDistance("alpina", "aplina", 2), 1);        // transposition
  EXPECT_EQ(EditDistance("ca", "abc", 5), 3);               // OSA, not unrestricted Damerau (2)
  EXPECT_EQ(EditDistance("kitten", "sitting", 5), 3);
  EXPECT_EQ(EditDistance("sitting", "kitten", 5), 3);  // symmetric
}

TEST(EditDistance, EarlyExitReturnsMaxPlusOne) {
  EXPECT_EQ(EditDistance("kitten", "sitting", 2), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting", 0), 1);
  EXPECT_EQ(EditDistance("a", "abcdef", 2), 3);  // length gap alone exceeds
  EXPECT_EQ(EditDistance("radio", "television", 1), 2);
  EXPECT_EQ(EditDistance("abc", "abd", -4), 1);  // negative max acts as 0
}

TEST(EditDistance, MatchesReferenceIncludingLongStrings) {
  std::mt19937 rng(42);
  for (int n = 0; n < 3000; ++n) {
    const size_t la = rng() % (n < 2500 ? 12 : 90), lb = rng() % (n < 2500 ? 12 : 90);
    std::string a(la, 'a'), b(lb, 'a');
    for (char& ch : a) ch = static_cast<char>('a' + rng() % 3);
    for (char& ch : b) ch = static_cast<char>('a' + rng() % 3);
    if (n % 3 == 0) b = a.substr(0, la / 2) + "x" + a.substr(la / 2);  // near misses
    const int max = static_cast<int>(rng() % 5);
    const int want = std::min(ReferenceOsa(a, b), max + 1);
    ASSERT_EQ(EditDistance(a, b, max), want) << a << " / " << b << " max " << max;
  }
}

TEST(AllowedTypos, ByLength) {
  EXPECT_EQ(AllowedTypos(0), 0);
  EXPECT_EQ(AllowedTypos(3), 0);
  EXPECT_EQ(AllowedTypos(4), 1);
  EXPECT_EQ(AllowedTypos(7), 1);
  EXPECT_EQ(AllowedTypos(8), 2);
  EXPECT_EQ(AllowedTypos(40), 2);
}

TEST(Deletes1, DistinctSingleDeletes) {
  EXPECT_TRUE(Deletes1("").empty());
  EXPECT_EQ(Deletes1("a"), (std::vector<std::string>{""}));
  EXPECT_EQ(Deletes1("abc"), (std::vector<std::string>{"bc", "ac", "ab"}));
  EXPECT_EQ(Deletes1("lulle"), (std::vector<std::string>{"ulle", "llle", "lule", "lull"}));
  EXPECT_EQ(Deletes1("aaa"), (std::vector<std::string>{"aa"}));
}

TEST(Deletes1, NeighboursWithinOneShareAnEntry) {
  auto keys = [](const std::string& w) {
    std::vector<std::string> d = Deletes1(w);
    std::set<std::string> s(d.begin(), d.end());
    s.insert(w);
    return s;
  };
  auto share = [&](const std::string& a, const std::string& b) {
    const auto ka = keys(a), kb = keys(b);
    return std::any_of(ka.begin(), ka.end(), [&](const std::string& k) { return kb.count(k); });
  };
  EXPECT_TRUE(share("lule", "lulle"));
  EXPECT_TRUE(share("colombina", "colonbina"));
  EXPECT_TRUE(share("alpina", "aplina"));
  EXPECT_FALSE(share("alpina", "yupi"));
}

TEST(Similarity, ExamplesFromTheCustomerTable) {
  // Prefix while typing.
  EXPECT_GE(Similarity("tecnoquimica", FoldName("TECNOQUIMICAS S.A.")), 0.85);
  EXPECT_LT(Similarity("tecnoquimica", FoldName("TECNOQUIMICAS S.A.")), 0.9 + 1e-9);
  // A typo in the last token.
  const double typo = Similarity("ardila lule", FoldName("ORGANIZACION ARDILA LULLE - BOG"));
  EXPECT_GT(typo, 0.8);
  EXPECT_LT(typo, 0.85 + 1e-9);  // (1.0 + 0.7) / 2 at best
  // Accents and legal form do not matter.
  EXPECT_DOUBLE_EQ(Similarity("colpatria", FoldName("COLPATRÍA S.A.")), 1.0);
  EXPECT_DOUBLE_EQ(Similarity(Fold("Colpatria"), FoldName("Scotiabank Colpatría S.A.")),
                   1.0 - 0.09 * 0.25);  // exact, but covers half the candidate
}

TEST(Similarity, ExactBeatsPrefixBeatsTypoBeatsNothing) {
  const double exact = Similarity("colombina", "colombina distribuidora de alimentos");
  const double prefix = Similarity("colombi", "colombina");
  const double typo = Similarity("colonbina", "colombina");
  const double nothing = Similarity("colombina", "alpina productos alimenticios");
  EXPECT_GT(exact, prefix);
  EXPECT_GT(prefix, typo);
  EXPECT_GT(typo, nothing);
  EXPECT_EQ(nothing, 0.0);
  // The same holds for one query against several candidates.
  EXPECT_GT(Similarity("yupi", "productos yupi"), Similarity("yupi", "yupix"));
  EXPECT_GT(Similarity("colfondos", "colfondosx"), Similarity("colfondos", "colfondo"));
}

TEST(Similarity, PrefixOnlyForTheLastToken) {
  EXPECT_GT(Similarity("radio cad", "radio cadena nacional"), 0.9);
  EXPECT_LT(Similarity("rad cadena", "radio cadena nacional"), 0.51);
}

TEST(Similarity, AcronymRanksBelowExactToken) {
  const double rcn_tv = Similarity("rcn", FoldName("RCN TELEVISION S.A."));
  const double radio = Similarity("rcn", FoldName("RADIO CADENA NACIONAL S.A.S."));
  EXPECT_GT(rcn_tv, radio);
  EXPECT_GT(radio, 0.0);  // initials of "radio cadena nacional"
  EXPECT_GT(Similarity("epm", "empresas publicas de medellin"), 0.7);
  EXPECT_EQ(Similarity("epm", "empresas de energia"), 0.0);
}

TEST(Similarity, TiesFavourOrderAndShorterCandidates) {
  EXPECT_GT(Similarity("ardila lulle", "organizacion ardila lulle"),
            Similarity("ardila lulle", "lulle ardila organizacion"));
  EXPECT_GT(Similarity("alpina", "alpina"), Similarity("alpina", "alpina productos alimenticios"));
  EXPECT_DOUBLE_EQ(Similarity("alpina", "alpina"), 1.0);
}

TEST(Similarity, EmptyInputsAndBounds) {
  EXPECT_EQ(Similarity("", "colombina"), 0.0);
  EXPECT_EQ(Similarity("colombina", ""), 0.0);
  EXPECT_EQ(Similarity("   ", "  "), 0.0);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "tok" + std::to_string(i) + " ";
  const double s = Similarity(many, many);
  EXPECT_GT(s, 0.0);
  EXPECT_LE(s, 1.0);
}

TEST(Initials, SpellTheNameSkippingLinkWords) {
  EXPECT_EQ(Initials("radio cadena nacional"), "rcn");
  EXPECT_EQ(Initials("empresas publicas de medellin"), "epm");
  EXPECT_EQ(Initials("colombina"), "");
  EXPECT_EQ(Initials(""), "");
}

}  // namespace text_test
}  // namespace atiende::text
