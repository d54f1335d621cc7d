import type { StaffRole } from '@charter/core';
import type { FastifyInstance } from 'fastify';
import type { CharterApp } from '../src/app.js';
import { testActor } from './build-test-app.js';
import { TestBrowser } from './browser-client.js';

let counter = 0;
const staffPassword = 'staff-quartz-lighthouse-ember-9';

/** A staff account made through the real staff service, signed in with a browser session (as staff work). */
export async function signInStaff(app: CharterApp, role: StaffRole, fastify: FastifyInstance = app.fastify) {
  counter += 1;
  const email = `staff-${role}-${counter}-${Date.now()}@charter.test`;
  const { user } = await app.services.accounts.staff.createStaff({ email, role, displayName: `Staff ${role} ${counter}`, password: staffPassword }, testActor);
  const browser = new TestBrowser(fastify);
  const signedIn = await browser.post('/api/v1/auth/sign-in', { email, password: staffPassword });
  if (signedIn.statusCode !== 200) throw new Error(`staff sign-in failed: ${signedIn.statusCode} ${signedIn.body}`);
  return { browser, userId: user.id, email };
}
