#include "core/holiday_rules.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace atiende {
namespace holiday_rules_test {

HolidayRules Shipped(std::string_view country) {
  auto rules = HolidayRules::Shipped(country);
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  return rules.ok() ? *rules : HolidayRules();
}

std::vector<std::string> Dates(const HolidayRules& rules, int year) {
  std::vector<std::string> out;
  for (const Holiday& h : rules.Of(year)) out.push_back(FormatLocalDate(h.day));
  return out;
}

// The name of the holiday on `date` ("" when none).
std::string NameOn(const HolidayRules& rules, std::string_view date) {
  auto day = ParseLocalDate(date);
  if (!day.ok()) return "bad date";
  int year = static_cast<int>(date::year_month_day(*day).year());
  for (const Holiday& h : rules.Of(year)) {
    if (h.day == *day) return h.name;
  }
  return "";
}

// The official lists, as published by the governments and the press that
// relays them (Colombia: 18 festivos a year; Chile: feriados.cl, the
// Gobierno de Chile's 2026 list of 16). Weekdays checked by hand: 2026-01-01
// is a Thursday, 2027-01-01 a Friday; Easter 2026-04-05, 2027-03-28.

TEST(HolidayRules, Colombia2026MatchesTheOfficialList) {
  EXPECT_EQ(Dates(Shipped("CO"), 2026), (std::vector<std::string>{
                                            "2026-01-01",  // Thu  Año Nuevo
                                            "2026-01-12",  // Mon  Reyes Magos (from Tue 6)
                                            "2026-03-23",  // Mon  San José (from Thu 19)
                                            "2026-04-02",  // Thu  Jueves Santo
                                            "2026-04-03",  // Fri  Viernes Santo
                                            "2026-05-01",  // Fri  Día del Trabajo
                                            "2026-05-18",  // Mon  Ascensión (Easter +43)
                                            "2026-06-08",  // Mon  Corpus Christi (+64)
                                            "2026-06-15",  // Mon  Sagrado Corazón (+71)
                                            "2026-06-29",  // Mon  San Pedro y San Pablo
                                            "2026-07-20",  // Mon  Independencia
                                            "2026-08-07",  // Fri  Batalla de Boyacá
                                            "2026-08-17",  // Mon  Asunción (from Sat 15)
                                            "2026-10-12",  // Mon  Día de la Raza
                                            "2026-11-02",  // Mon  Todos los Santos (from Sun 1)
                                            "2026-11-16",  // Mon  Cartagena (from Wed 11)
                                            "2026-12-08",  // Tue  Inmaculada Concepción
                                            "2026-12-25",  // Fri  Navidad
                                        }));
}

TEST(HolidayRules, Colombia2027MatchesTheOfficialList) {
  EXPECT_EQ(Dates(Shipped("CO"), 2027),
            (std::vector<std::string>{
                "2027-01-01",  // Fri  Año Nuevo
                "2027-01-11",  // Mon  Reyes Magos (from Wed 6)
                "2027-03-22",  // Mon  San José (from Fri 19)
                "2027-03-25",  // Thu  Jueves Santo
                "2027-03-26",  // Fri  Viernes Santo
                "2027-05-01",  // Sat  Día del Trabajo
                "2027-05-10",  // Mon  Ascensión (Easter +43)
                "2027-05-31",  // Mon  Corpus Christi (+64)
                "2027-06-07",  // Mon  Sagrado Corazón (+71)
                "2027-07-05",  // Mon  San Pedro y San Pablo (from Tue 29)
                "2027-07-20",  // Tue  Independencia
                "2027-08-07",  // Sat  Batalla de Boyacá
                "2027-08-16",  // Mon  Asunción (from Sun 15)
                "2027-10-18",  // Mon  Día de la Raza (from Tue 12)
                "2027-11-01",  // Mon  Todos los Santos
                "2027-11-15",  // Mon  Cartagena (from Thu 11)
                "2027-12-08",  // Wed  Inmaculada Concepción
                "2027-12-25",  // Sat  Navidad
            }));
}

TEST(HolidayRules, Chile2026MatchesTheOfficialList) {
  EXPECT_EQ(Dates(Shipped("CL"), 2026), (std::vector<std::string>{
                                            "2026-01-01",  // Thu  Año Nuevo
                                            "2026-04-03",  // Fri  Viernes Santo
                                            "2026-04-04",  // Sat  Sábado Santo
                                            "2026-05-01",  // Fri  Día Nacional del Trabajo
                                            "2026-05-21",  // Thu  Glorias Navales
                                            "2026-06-21",  // Sun  Pueblos Indígenas (solstice)
                                            "2026-06-29",  // Mon  San Pedro y San Pablo
                                            "2026-07-16",  // Thu  Virgen del Carmen
                                            "2026-08-15",  // Sat  Asunción
                                            "2026-09-18",  // Fri  Independencia Nacional
                                            "2026-09-19",  // Sat  Glorias del Ejército
                                            "2026-10-12",  // Mon  Encuentro de Dos Mundos
                                            "2026-10-31",  // Sat  Iglesias Evangélicas
                                            "2026-11-01",  // Sun  Todos los Santos
                                            "2026-12-08",  // Tue  Inmaculada Concepción
                                            "2026-12-25",  // Fri  Navidad
                                        }));
}

TEST(HolidayRules, Chile2027MatchesTheOfficialList) {
  EXPECT_EQ(Dates(Shipped("CL"), 2027),
            (std::vector<std::string>{
                "2027-01-01",  // Fri  Año Nuevo
                "2027-03-26",  // Fri  Viernes Santo
                "2027-03-27",  // Sat  Sábado Santo
                "2027-05-01",  // Sat  Día Nacional del Trabajo
                "2027-05-21",  // Fri  Glorias Navales
                "2027-06-21",  // Mon  Pueblos Indígenas (solstice)
                "2027-06-28",  // Mon  San Pedro y San Pablo (from Tue 29)
                "2027-07-16",  // Fri  Virgen del Carmen
                "2027-08-15",  // Sun  Asunción
                "2027-09-17",  // Fri  Fiestas Patrias (18 is a Sat)
                "2027-09-18",  // Sat  Independencia Nacional
                "2027-09-19",  // Sun  Glorias del Ejército
                "2027-10-11",  // Mon  Encuentro de Dos Mundos (from Tue 12)
                "2027-10-31",  // Sun  Iglesias Evangélicas
                "2027-11-01",  // Mon  Todos los Santos
                "2027-12-08",  // Wed  Inmaculada Concepción
                "2027-12-25",  // Sat  Navidad
            }));
}

TEST(HolidayRules, NamesComeFromTheData) {
  HolidayRules co = Shipped("co");
  EXPECT_EQ(co.country(), "CO");
  EXPECT_EQ(co.name(), "Colombia");
  EXPECT_EQ(NameOn(co, "2026-03-23"), "Día de San José");
  EXPECT_EQ(NameOn(co, "2026-03-19"), "");  // its own date is a working day
  EXPECT_EQ(NameOn(Shipped("CL"), "2027-09-17"), "Fiestas Patrias");
}

// Past years the press reported, one per Chilean move and extra-day rule.
TEST(HolidayRules, ChileMovesAndExtraDaysInPastYears) {
  HolidayRules cl = Shipped("CL");
  // Ley 19.668: Thu → that week's Monday, Tue → Monday, Fri → next Monday.
  EXPECT_EQ(NameOn(cl, "2023-06-26"), "San Pedro y San Pablo");    // Thu 29
  EXPECT_EQ(NameOn(cl, "2023-10-09"), "Encuentro de Dos Mundos");  // Thu 12
  EXPECT_EQ(NameOn(cl, "2021-06-28"), "San Pedro y San Pablo");    // Tue 29
  EXPECT_EQ(NameOn(cl, "2018-07-02"), "San Pedro y San Pablo");    // Fri 29 Jun
  EXPECT_EQ(NameOn(cl, "2018-10-15"), "Encuentro de Dos Mundos");  // Fri 12
  EXPECT_EQ(NameOn(cl, "2024-06-29"), "San Pedro y San Pablo");    // Sat: stays
  // Ley 20.299: 31 October on a Tuesday → Friday 27; on a Wednesday → Friday 2 November.
  const std::string evangelical = "Día Nacional de las Iglesias Evangélicas y Protestantes";
  EXPECT_EQ(NameOn(cl, "2017-10-27"), evangelical);
  EXPECT_EQ(NameOn(cl, "2017-10-31"), "");
  EXPECT_EQ(NameOn(cl, "2018-11-02"), evangelical);
  EXPECT_EQ(NameOn(cl, "2024-10-31"), evangelical);  // Thu: stays
  // Leyes 20.215 and 20.983: 17 September on a Monday or a Friday, 20 on a Friday.
  EXPECT_EQ(NameOn(cl, "2018-09-17"), "Fiestas Patrias");
  EXPECT_EQ(NameOn(cl, "2021-09-17"), "Fiestas Patrias");
  EXPECT_EQ(NameOn(cl, "2019-09-20"), "Fiestas Patrias");
  EXPECT_EQ(NameOn(cl, "2024-09-20"), "Fiestas Patrias");
  EXPECT_EQ(NameOn(cl, "2025-09-17"), "");  // a Wednesday
  // Ley 20.983: 2 January when 1 January is a Sunday.
  EXPECT_EQ(NameOn(cl, "2023-01-02"), "Feriado nacional");
  EXPECT_EQ(NameOn(cl, "2024-01-02"), "");
  // Ley 21.357: 21 June in 2021 by the law itself, then the solstice's date
  // in Chile (2025: 22:42 on 20 June, UTC-4).
  const std::string indigenous = "Día Nacional de los Pueblos Indígenas";
  EXPECT_EQ(NameOn(cl, "2021-06-21"), indigenous);
  EXPECT_EQ(NameOn(cl, "2022-06-21"), indigenous);
  EXPECT_EQ(NameOn(cl, "2023-06-21"), indigenous);
  EXPECT_EQ(NameOn(cl, "2024-06-20"), indigenous);
  EXPECT_EQ(NameOn(cl, "2025-06-20"), indigenous);
  EXPECT_EQ(NameOn(cl, "2020-06-20"), "");  // before the law
}

TEST(HolidayRules, ColombiaHasEighteenHolidaysAndEmilianiMondays) {
  HolidayRules co = Shipped("CO");
  for (int year = 1984; year <= 2100; ++year) {
    int applied = 0;
    for (const HolidayRule& rule : co.rules()) {
      auto day = HolidayDate(rule, year);
      ASSERT_TRUE(day.has_value()) << rule.name << " " << year;
      ++applied;
      if (rule.move == HolidayMove::kNextMonday) {
        ASSERT_EQ(date::weekday(*day), date::Monday) << rule.name << " " << year;
      }
    }
    ASSERT_EQ(applied, 18) << year;
  }
  // Two rules on one date make one holiday: 2011's Sagrado Corazón (Easter
  // 24 April + 71) and San Pedro y San Pablo (Wed 29 June) were both on 4 July.
  EXPECT_EQ(co.Of(2011).size(), 17u);
  EXPECT_EQ(NameOn(co, "2011-07-04"), "Sagrado Corazón de Jesús / San Pedro y San Pablo");
}

TEST(HolidayRules, YearsBeforeTheFileDescribesHaveNoHolidays) {
  EXPECT_TRUE(Shipped("CO").Of(1983).empty());
  EXPECT_EQ(Shipped("CO").since(), 1984);
  EXPECT_FALSE(Shipped("CL").Of(2002).empty());
  EXPECT_TRUE(Shipped("CL").Of(2001).empty());
}

TEST(HolidayRules, ShippedCountries) {
  EXPECT_EQ(HolidayRules::ShippedCountries(), (std::vector<std::string>{"CL", "CO"}));
  auto pe = HolidayRules::Shipped("PE");
  ASSERT_FALSE(pe.ok());
  EXPECT_EQ(pe.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(pe.status().field(), "country");
  EXPECT_EQ(pe.status().message(), "\"PE\" has no shipped holiday rules (countries: CL, CO)");
  EXPECT_FALSE(HolidayRules::Shipped("").ok());
  EXPECT_FALSE(HolidayRules::Shipped("../procedures/zb-unblock").ok());
}

// --- Bad data -------------------------------------------------------------

// The error of parsing a file whose rules are `rules` (one per line, from
// line 3); "" when it parses.
std::string ErrorOf(const std::string& rules) {
  auto r = HolidayRules::Parse("country: XX\nrules:\n" + rules, "t.yaml");
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "holiday_rules");
  return r.status().message();
}

TEST(HolidayRules, AWellFormedFileParses) {
  EXPECT_EQ(ErrorOf("  - {name: A, kind: fixed, month: 2, day: 29}\n"
                    "  - {name: B, kind: easter, offset: +1, move: none, law: x}\n"
                    "  - {name: C, kind: june_solstice, utc_offset: \"+05:30\", only_on: sun}\n"
                    "  - {name: D, kind: fixed, month: 1, day: 2, from: 2000, to: 2000}\n"),
            "");
  auto r = HolidayRules::Parse(
      "country: XX\nrules:\n  - {name: Bisiesto, kind: fixed, month: 2, day: 29}\n", "t.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rules()[0].line, 3);
  EXPECT_TRUE(r->Of(2027).empty());  // 29 February: leap years only
  ASSERT_EQ(r->Of(2028).size(), 1u);
}

TEST(HolidayRules, BadRuleDataIsRefusedWithFileAndLine) {
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixd, month: 1, day: 1}\n"),
            "t.yaml:3: rule \"X\": unknown kind \"fixd\" (expected one of: fixed, easter, "
            "june_solstice)");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 13, day: 1}\n"),
            "t.yaml:3: rule \"X\": month: expected a whole number from 1 to 12, not \"13\"");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 4, day: 31}\n"),
            "t.yaml:3: rule \"X\": month 4 has no day 31");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 1, day: 0}\n"),
            "t.yaml:3: rule \"X\": day: expected a whole number from 1 to 31, not \"0\"");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 1, day: 6, move: next_tuesday}\n"),
            "t.yaml:3: rule \"X\": unknown move \"next_tuesday\" (expected one of: none, "
            "next_monday, nearest_monday, bridge_friday)");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 1, day: 2, only_on: lunes}\n"),
            "t.yaml:3: rule \"X\": only_on: unknown weekday \"lunes\" (expected one of: mon, "
            "tue, wed, thu, fri, sat, sun)");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: easter}\n"),
            "t.yaml:3: rule \"X\": kind easter needs \"offset\"");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: easter, offset: 400}\n"),
            "t.yaml:3: rule \"X\": offset: expected a whole number from -200 to 200, not \"400\"");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 1, day: 1, offset: 2}\n"),
            "t.yaml:3: rule \"X\" (kind fixed): unknown key \"offset\" (expected one of: name, "
            "kind, move, only_on, from, to, law, month, day)");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: june_solstice, utc_offset: \"4h\"}\n"),
            "t.yaml:3: rule \"X\": utc_offset: expected an offset like \"-04:00\", not \"4h\"");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 1, day: 1, from: 2020, to: 2019}\n"),
            "t.yaml:3: rule \"X\": from 2020 is after to 2019");
  EXPECT_EQ(ErrorOf("  - {name: X, kind: fixed, month: 1, day: 1, from: 1200}\n"),
            "t.yaml:3: rule \"X\": from: expected a whole number from 1583 to 9999, not \"1200\"");
  EXPECT_EQ(ErrorOf("  - {kind: fixed, month: 1, day: 1}\n"), "t.yaml:3: a rule: missing \"name\"");
  EXPECT_EQ(ErrorOf("  - {name: X, month: 1, day: 1}\n"), "t.yaml:3: rule \"X\": missing \"kind\"");
  EXPECT_EQ(ErrorOf("  - just a string\n"),
            "t.yaml:3: a rule must be a mapping like {name: ..., kind: fixed, ...}");
}

TEST(HolidayRules, BadFilesAreRefused) {
  auto error = [](const std::string& yaml) {
    auto r = HolidayRules::Parse(yaml, "t.yaml");
    return r.ok() ? "" : r.status().message();
  };
  EXPECT_EQ(error("rules: [{name: X, kind: fixed, month: 1, day: 1}]\n"),
            "t.yaml:1: the file: missing \"country\"");
  EXPECT_EQ(error("country: Colombia\nrules: [{name: X, kind: fixed, month: 1, day: 1}]\n"),
            "t.yaml:1: country: expected a two-letter code like CO");
  EXPECT_EQ(error("country: CO\n"), "t.yaml:1: rules: expected a list of rules");
  EXPECT_EQ(error("country: CO\nrules: []\n"), "t.yaml:2: rules: expected a list of rules");
  EXPECT_EQ(error("country: CO\nholidays: []\n"),
            "t.yaml:2: the file: unknown key \"holidays\" (expected one of: country, name, "
            "since, rules)");
  EXPECT_EQ(error("- a list\n"), "t.yaml:1: expected a mapping with country and rules");
  EXPECT_NE(error("country: CO\nrules: [\n").find("t.yaml:"), std::string::npos);  // not YAML
}

}  // namespace holiday_rules_test
}  // namespace atiende
