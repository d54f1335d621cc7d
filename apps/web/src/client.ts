import { CharterClient } from '@charter/sdk';

/** The one client of the page: same origin, session cookie, CSRF token from the session answers. */
export const charter = new CharterClient({ baseUrl: '' });
