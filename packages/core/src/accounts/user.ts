/** A person with an account. The accounts capability extends this; the spine needs only the owner. */
export interface User {
  id: string;
  email: string | null;
  displayName: string;
  /** `owner` is the instance owner created at first start. */
  role: 'owner' | 'member';
  createdAt: Date;
}
