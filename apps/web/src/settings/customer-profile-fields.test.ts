import { describe, expect, it } from 'vitest';
import { toCustomerProfileForm, toCustomerProfileRequest } from './customer-profile-fields.js';

describe('customer profile form', () => {
  it('ACC-6 sends no address when every address field is empty, and clears empty fields', () => {
    const form = { ...toCustomerProfileForm(null), name: '  Ada Lovelace ', phone: '' };
    expect(toCustomerProfileRequest(form)).toEqual({ name: 'Ada Lovelace', contact_person: null, phone: null, company_name: null, company_registration_number: null, address: null });
  });

  it('ACC-6 sends a partial address with its country (empty, so the server names the missing field)', () => {
    const form = { ...toCustomerProfileForm(null), city: 'Berlin' };
    expect(toCustomerProfileRequest(form).address).toEqual({ line1: null, line2: null, city: 'Berlin', postal_code: null, region: null, country: '' });
  });

  it('ACC-6 round-trips a saved profile through the form unchanged', () => {
    const saved = {
      object: 'customer_profile' as const,
      user_id: 'user_1',
      name: 'Ada Lovelace',
      contact_person: 'Charles',
      email: 'ada@example.com',
      phone: '+49 30 1234567',
      address: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', postal_code: '10117', region: null, country: 'DE' },
      company_name: 'Engines Ltd',
      company_registration_number: 'HRB 1234',
      revision: 3,
      verification: { status: 'verified' as const, changed_at: '2026-01-01T00:00:00.000Z' },
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    expect(toCustomerProfileRequest(toCustomerProfileForm(saved))).toEqual({
      name: saved.name,
      contact_person: saved.contact_person,
      phone: saved.phone,
      company_name: saved.company_name,
      company_registration_number: saved.company_registration_number,
      address: saved.address,
    });
  });
});
