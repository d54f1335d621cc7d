/**
 * Port: devices a user has signed in from before, by the hash of a long-lived device cookie. A known device
 * gets no "new sign-in" email and its own throttling bucket, so an attacker guessing a victim's password
 * elsewhere cannot lock the victim out (ACC-3, ACC-8).
 */
export interface KnownDeviceRepository {
  isKnown(userId: string, deviceHash: string): Promise<boolean>;
  /** Remember (or refresh) a device for a user. Idempotent. */
  remember(userId: string, deviceHash: string, seenAt: Date): Promise<void>;
}
