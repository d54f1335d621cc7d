/**
 * Age of majority by country or subdivision where it is not 18 (ACC-1: "18 or older, or the age of majority
 * where they live"). Subdivisions (ISO 3166-2) win over their country. Operators may extend or override it
 * in configuration; the default for everything not listed is 18.
 */
export const defaultAgesOfMajority: Readonly<Record<string, number>> = {
  // Subdivisions.
  'CA-BC': 19, 'CA-NB': 19, 'CA-NL': 19, 'CA-NS': 19, 'CA-NT': 19, 'CA-NU': 19, 'CA-YT': 19,
  'US-AL': 19, 'US-NE': 19, 'US-MS': 21,
  // Countries.
  DZ: 19, KR: 19,
  NZ: 20, TH: 20,
  AE: 21, BH: 21, CM: 21, EG: 21, KW: 21, MG: 21, SG: 21,
};

export const defaultAgeOfMajority = 18;

/** The age of majority for a declared country (alpha-2) and optional subdivision. */
export function ageOfMajority(country: string, region: string | null, table: Readonly<Record<string, number>> = defaultAgesOfMajority): number {
  return (region ? table[region.toUpperCase()] : undefined) ?? table[country.toUpperCase()] ?? defaultAgeOfMajority;
}

/** Completed years between a date of birth (`YYYY-MM-DD`) and `today` (UTC), or null when the date is impossible. */
export function ageInYears(dateOfBirth: string, today: Date): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (birth.getUTCFullYear() !== year || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return null;
  if (birth.getTime() > today.getTime() || year < 1900) return null;
  let age = today.getUTCFullYear() - year;
  const hasHadBirthday = today.getUTCMonth() > month - 1 || (today.getUTCMonth() === month - 1 && today.getUTCDate() >= day);
  if (!hasHadBirthday) age -= 1;
  return age;
}
