/**
 * Country calling codes are prefix-free (ITU-T E.164): 1 and 7 are one digit, these are two, every other
 * code is three. Enough to split "+35121000005" into 351 and 21000005 without a numbering-plan library.
 */
const TWO_DIGIT_CODES = new Set([
  "20",
  "27",
  "30",
  "31",
  "32",
  "33",
  "34",
  "36",
  "39",
  "40",
  "41",
  "43",
  "44",
  "45",
  "46",
  "47",
  "48",
  "49",
  "51",
  "52",
  "53",
  "54",
  "55",
  "56",
  "57",
  "58",
  "60",
  "61",
  "62",
  "63",
  "64",
  "65",
  "66",
  "81",
  "82",
  "84",
  "86",
  "90",
  "91",
  "92",
  "93",
  "94",
  "95",
  "98",
]);

function callingCodeLength(digits: string): number {
  if (digits.startsWith("1") || digits.startsWith("7")) return 1;
  return TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
}

/**
 * What a phone keypad can match a stored dialling form against: its digits without `+` (an international
 * "00" prefix read as `+`), and for an international number its national part (after the calling code).
 */
export function keypadForms(dial: string): { digits: string; national: string | null } {
  const international = dial.startsWith("+") || dial.startsWith("00");
  const digits = dial.replace(/^\+|^00/, "").replace(/[^0-9]/g, "");
  if (!international || digits.length < 4) return { digits, national: null };
  return { digits, national: digits.slice(callingCodeLength(digits)) };
}

/**
 * The prefixes a keypad query can mean: `35121…` and `0035121…` the international digits; `21…` a national
 * part; `021…` a national part after a trunk "0". Null when there are no digits.
 */
export function keypadQuery(input: string): { digits: string; national: string[] } | null {
  const raw = input.replace(/[^0-9+]/g, "");
  if (!/[0-9]/.test(raw)) return null;
  if (raw.startsWith("+") || raw.startsWith("00"))
    return { digits: raw.replace(/^\+|^00/, "").replace(/\+/g, ""), national: [] };
  const digits = raw.replace(/\+/g, "");
  const national = [digits];
  if (digits.startsWith("0") && digits.length > 1) national.push(digits.slice(1));
  return { digits, national };
}
