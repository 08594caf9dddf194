#include "core/holiday_dates.h"

#include <cmath>
#include <numbers>

namespace atiende {

namespace {

// Periodic terms of the equinox and solstice correction (Meeus, table 27.C):
// amplitude, phase (degrees), speed (degrees per Julian century).
struct SolsticeTerm {
  double a, b, c;
};
constexpr SolsticeTerm kSolsticeTerms[] = {
    {485, 324.96, 1934.136},  {203, 337.23, 32964.467}, {199, 342.08, 20.186},
    {182, 27.85, 445267.112}, {156, 73.14, 45036.886},  {136, 171.52, 22518.443},
    {77, 222.54, 65928.934},  {74, 296.72, 3034.906},   {70, 243.58, 9037.513},
    {58, 119.81, 33718.147},  {52, 297.17, 150.678},    {50, 21.02, 2281.226},
    {45, 247.54, 29929.562},  {44, 325.15, 31555.956},  {29, 60.93, 4443.417},
    {18, 155.12, 67555.328},  {17, 288.79, 4562.452},   {16, 198.04, 62894.029},
    {14, 199.76, 31436.921},  {12, 95.39, 14577.848},   {12, 287.11, 31931.756},
    {12, 320.81, 34777.259},  {9, 227.73, 1222.114},    {8, 15.45, 16859.074},
};

constexpr double kJ2000JulianDay = 2451545.0;  // Julian day of 2000-01-01T12:00 (TT)

double SolsticeRadians(double degrees) { return degrees * std::numbers::pi / 180.0; }

// ΔT in seconds (Espenak and Meeus's polynomials, 2005 … 2150; the nearest
// one outside): TT runs about a minute ahead of UTC.
double DeltaTSeconds(double y) {
  if (y < 2050) {
    double t = y - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  double u = (y - 1820) / 100;
  return -20 + 32 * u * u - (y < 2150 ? 0.5628 * (2150 - y) : 0);
}

}  // namespace

date::year_month_day EasterSunday(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return date::year(year) / month / day;
}

TimePoint JuneSolstice(int year) {
  // The mean solstice, then the periodic correction (Meeus 27.1, 27.C).
  const double y = (year - 2000) / 1000.0;
  const double jde0 = 2451716.56767 + 365241.62603 * y + 0.00325 * y * y + 0.00888 * y * y * y -
                      0.00030 * y * y * y * y;
  const double t = (jde0 - kJ2000JulianDay) / 36525;
  const double w = SolsticeRadians(35999.373 * t - 2.47);
  const double dl = 1 + 0.0334 * std::cos(w) + 0.0007 * std::cos(2 * w);
  double s = 0;
  for (const SolsticeTerm& term : kSolsticeTerms)
    s += term.a * std::cos(SolsticeRadians(term.b + term.c * t));
  const double jde = jde0 + 0.00001 * s / dl;
  // Julian day (TT) → seconds since the Unix epoch (UTC).
  const double seconds = (jde - 2440587.5) * 86400 - DeltaTSeconds(year + 0.5);
  return TimePoint(Micros(static_cast<int64_t>(std::llround(seconds * 1e6))));
}

}  // namespace atiende
