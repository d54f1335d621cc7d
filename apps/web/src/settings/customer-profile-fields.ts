import type { CustomerProfileBody, UpdateCustomerProfileRequestBody } from '@charter/contracts';

/** The profile form's state: every field a string, as inputs hold them. */
export interface CustomerProfileForm {
  name: string;
  contactPerson: string;
  phone: string;
  companyName: string;
  companyRegistrationNumber: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  region: string;
  country: string;
}

/** The form, filled from a saved profile (empty strings for what is not set). */
export function toCustomerProfileForm(profile: CustomerProfileBody | null): CustomerProfileForm {
  const address = profile?.address;
  return {
    name: profile?.name ?? '',
    contactPerson: profile?.contact_person ?? '',
    phone: profile?.phone ?? '',
    companyName: profile?.company_name ?? '',
    companyRegistrationNumber: profile?.company_registration_number ?? '',
    line1: address?.line1 ?? '',
    line2: address?.line2 ?? '',
    city: address?.city ?? '',
    postalCode: address?.postal_code ?? '',
    region: address?.region ?? '',
    country: address?.country ?? '',
  };
}

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

/**
 * The `PUT` body (it replaces the whole profile). No address at all when every address field is empty; an
 * address without a country is still sent, so the server names the missing field (`address.country`).
 */
export function toCustomerProfileRequest(form: CustomerProfileForm): UpdateCustomerProfileRequestBody {
  const addressParts = [form.line1, form.line2, form.city, form.postalCode, form.region, form.country];
  const hasAddress = addressParts.some((part) => part.trim() !== '');
  return {
    name: orNull(form.name),
    contact_person: orNull(form.contactPerson),
    phone: orNull(form.phone),
    company_name: orNull(form.companyName),
    company_registration_number: orNull(form.companyRegistrationNumber),
    address: hasAddress
      ? { line1: orNull(form.line1), line2: orNull(form.line2), city: orNull(form.city), postal_code: orNull(form.postalCode), region: orNull(form.region), country: form.country.trim() }
      : null,
  };
}
