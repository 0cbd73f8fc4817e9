// Checks on a new password that the server would make anyway, done before
// the round trip so that a typo shows at once.

/** The server's minimum (crates/tm-server/src/core/validate.rs). */
export const MIN_PASSWORD_LENGTH = 8;

/** What is wrong with this new password and its confirmation, or ''. */
export function newPasswordProblem(password, confirmation) {
  // The server counts characters, not UTF-16 units.
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (password !== confirmation) return 'The two passwords differ.';
  return '';
}
