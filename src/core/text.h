// Text: pure functions behind customer search (search-as-you-type over legal names).
//
// Names are compared in a "folded" form: lowercase, no accents, letters and digits only, single
// spaces between tokens, dotted initials joined ("I.P.S." -> "ips"). FoldName also drops legal
// forms at the end ("S.A.S.", "Ltda."). On top of that: a bounded Damerau-Levenshtein distance,
// the SymSpell-style delete neighbourhood for indexing, and a ranking score.
//
// Thread-safety: every function is pure (no I/O, no mutable globals); safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace atiende::text {

// True when s is well-formed UTF-8: shortest forms only (no overlongs), no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences. The empty string is valid.
bool IsValidUtf8(std::string_view s);

// Decodes the well-formed UTF-8 sequence starting at s[i] (i < s.size()) into *cp and returns its
// length, or returns 0 when the bytes there are not a well-formed sequence (Unicode Table 3-7).
int DecodeUtf8(std::string_view s, size_t i, char32_t* cp);

// Folds text for comparison. Per character: Unicode case folding, compatibility decomposition
// (NFKD), combining marks and default-ignorable characters (soft hyphen, zero-width joiner)
// dropped: "Colpatría" -> "colpatria", "Ñ" -> "n", "ß" -> "ss". Letters (L*) and decimal digits
// (Nd) are kept; every other character is a separator, runs of separators become one space and
// the result is trimmed. Invalid UTF-8 bytes are dropped (they neither join nor separate).
//
// Dotted initials: single-letter tokens joined by exactly one '.' collapse into one token.
//   compact: "I.P.S." -> "ips", "S.A.S" -> "sas" (dot and nothing else between the letters);
//   spaced:  "S. A." -> "sa", "E. U." -> "eu" (dot plus whitespace), only when the second letter
//            is itself followed by '.' or ends the text, so "Pérez A. y Cía" keeps "a y".
// A spaced link never follows a compact one: "I.P.S. S.A." -> "ips sa", "S.A. Y CIA" ->
// "sa y cia"; the other way round joins: "S. A.S." -> "sas".
// A plain space never joins: "EPS-S S.A" -> "eps s sa".
std::string Fold(std::string_view utf8);

// Splits a folded string on spaces; empty pieces are skipped.
std::vector<std::string> Tokens(std::string_view folded);

// Fold, then drop legal-form suffixes at the END of the name, repeatedly, longest match first.
// A suffix is only dropped when at least one token remains before it ("S.A." alone stays "sa").
// The list (folded tokens; see kLegalSuffixes in text.cc):
//   sa, sas, saa, sac, ca, ltda, limitada, cia, y cia, spa, eirl, srl, sl, sc, scs, sca,
//   s en c, s en cs, senc, sencs, eu, e u, bic, esp (Colombian "E.S.P." public-utility regime),
//   sa de cv, sab de cv, sapi de cv, s de rl, s de rl de cv (Mexico).
// "Scotiabank Colpatría S.A." -> "scotiabank colpatria"; "SALUD TOTAL EPS-S S.A" ->
// "salud total eps s"; "GÓMEZ Y CÍA. LTDA." -> "gomez"; "ETB S.A. E.S.P." -> "etb".
std::string FoldName(std::string_view legal_name);

// Optimal-string-alignment (restricted Damerau-Levenshtein) distance between byte strings:
// insertions, deletions, substitutions and transpositions of adjacent bytes cost 1.
// Returns the distance when it is <= max_distance, else max_distance + 1 (computed in a band of
// width 2*max_distance+1 with early exit). Allocation-free when the shorter string is <= 64 bytes.
// A negative max_distance is treated as 0.
int EditDistance(std::string_view a, std::string_view b, int max_distance);

// Typos allowed for a query token of this byte length: 0 for <= 3, 1 for 4..7, 2 for >= 8.
int AllowedTypos(size_t token_length);

// The distinct strings obtained by deleting exactly one byte of term, in order of the deleted
// position (first byte of each run of equal bytes). Empty for an empty term. Two words within
// EditDistance 1 (transpositions included) share an entry of {word} ∪ Deletes1(word).
// Meant for folded (mostly ASCII) tokens: deleting inside a multi-byte character yields bytes
// that are not valid UTF-8, which is harmless for keys.
std::vector<std::string> Deletes1(std::string_view term);

// The initials of a folded name's tokens, skipping de/del/la/las/los/el/y/e after the first:
// "radio cadena nacional" -> "rcn". Empty when fewer than two tokens contribute. Lets a search
// index find a company by the acronym it is known by.
std::string Initials(std::string_view folded);

// Relevance in [0,1] of a folded candidate (e.g. FoldName(legal_name)) for a folded query.
// Each query token q gets its best score against the candidate's tokens c:
//   1.0  q == c
//   0.9  q is the LAST query token and a proper prefix of c (search-as-you-type)
//   0.8  q (>= 2 bytes) spells the initials of >= 2 consecutive candidate tokens, skipping
//        de/del/la/las/los/el/y/e after the first ("rcn" ~ "radio cadena nacional")
//   0.7  EditDistance(q, c) <= AllowedTypos(q.size())
//   0    otherwise.
// base = mean over query tokens (multiples of 0.1/n for n query tokens). Ties are broken by
//   order    = fraction of consecutive matched query tokens whose candidate positions increase
//              (1 when fewer than two tokens matched),
//   coverage = candidate tokens matched / candidate tokens (favours shorter candidates),
// score = base - (0.09/n) * (1 - (order + coverage)/2), and 0 when base is 0. The penalty is
// below the smallest possible gap between two bases, so it never reorders different bases.
// Empty query or candidate -> 0. Only the first 64 tokens of each side are considered.
// Allocation-free.
double Similarity(std::string_view folded_query, std::string_view folded_candidate);

}  // namespace atiende::text
