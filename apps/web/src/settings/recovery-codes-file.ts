/** The name the browser saves recovery codes under. */
export const recoveryCodesFileName = 'charter-recovery-codes.txt';

/**
 * The text file of recovery codes people download: a heading that says what they are and for which account,
 * then one code per line (CRLF, so Notepad shows lines too), nothing else that could be mistaken for a code.
 */
export function recoveryCodesFileText(input: { heading: string; explanation: string; account: string; createdAt: string; codes: readonly string[] }): string {
  return [input.heading, input.account, input.createdAt, '', input.explanation, '', ...input.codes, ''].join('\r\n');
}
