/** Source of the current time, injected so tests and services agree on "now" (always UTC `Date`s). */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();
