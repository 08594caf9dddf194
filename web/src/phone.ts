// Phone numbers as people of the desk's country write them: a number of the
// desk's region in the national format ("9 8765 4321" in Chile), another
// country's in the international one; what does not parse stays as stored.
// libphonenumber-js (its small metadata set) does the formatting.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { currentDesk } from './desk';

export function fmtPhone(stored: string | null | undefined): string {
  if (!stored) return '—';
  const region = (currentDesk()?.phone_region || undefined) as CountryCode | undefined;
  const n = parsePhoneNumberFromString(stored, region);
  if (!n) return stored;
  return n.country === region ? n.formatNational() : n.formatInternational();
}
