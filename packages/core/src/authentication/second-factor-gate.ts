/**
 * Port: whether a sign-in needs a second factor (ACC-4), implemented by the two-factor capability. Without
 * one, password sign-in completes in one step.
 */
export interface SecondFactorGate {
  isRequired(userId: string): Promise<boolean>;
}
