import { z } from 'zod';

/** A postal address; `country` is ISO 3166-1 alpha-2. */
export const postalAddressSchema = z.strictObject({
  line1: z.string().max(200).nullish(),
  line2: z.string().max(200).nullish(),
  city: z.string().max(100).nullish(),
  postal_code: z.string().max(20).nullish(),
  /** State, province or county. */
  region: z.string().max(100).nullish(),
  country: z.string().length(2),
});

/** Body of `PUT /api/v1/account/profile`: the whole profile; omitted or null fields are cleared. */
export const updateCustomerProfileRequestSchema = z.strictObject({
  /** Full (legal) name of the customer. */
  name: z.string().max(200).nullish(),
  contact_person: z.string().max(200).nullish(),
  phone: z.string().max(32).nullish(),
  address: postalAddressSchema.nullish(),
  company_name: z.string().max(200).nullish(),
  company_registration_number: z.string().max(100).nullish(),
});
export type UpdateCustomerProfileRequestBody = z.infer<typeof updateCustomerProfileRequestSchema>;

export const profileVerificationStatusSchema = z.enum(['unverified', 'verified', 'rejected']);

/** The customer profile (ACC-6); `email` is the account's own and changes with it. */
export const customerProfileSchema = z.object({
  object: z.literal('customer_profile'),
  user_id: z.string(),
  name: z.string().nullable(),
  contact_person: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z
    .object({ line1: z.string().nullable(), line2: z.string().nullable(), city: z.string().nullable(), postal_code: z.string().nullable(), region: z.string().nullable(), country: z.string() })
    .nullable(),
  company_name: z.string().nullable(),
  company_registration_number: z.string().nullable(),
  /** Counts saved changes; staff name the revision they verified. */
  revision: z.number().int(),
  verification: z.object({
    status: profileVerificationStatusSchema,
    /** Staff note: present in the admin API only. */
    note: z.string().nullable().optional(),
    changed_at: z.string().nullable(),
  }),
  updated_at: z.string().nullable(),
});
export type CustomerProfileBody = z.infer<typeof customerProfileSchema>;
